import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { AppConfig, Clock, sha256Hex } from '@app/aaa';
import { newToken } from './cookies';
import { PanelSession } from './panel-session.entity';

/** last_seen_at is written at most this often per session: a page view is not worth a write each. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Server-side sessions: the cookie's token is random, the table holds its SHA-256, and
 * every request checks both expiries here, so a session ends when the server says so,
 * whatever the browser keeps.
 */
@Injectable()
export class PanelSessions {
  private readonly idleMs: number;
  private readonly maxMs: number;

  constructor(
    @InjectRepository(PanelSession) private readonly sessions: Repository<PanelSession>,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.idleMs = config.panelSessionIdleMinutes * 60_000;
    this.maxMs = config.panelSessionMaxHours * 3_600_000;
  }

  /** A new session; the returned token goes into the cookie and nowhere else. */
  async create(customerId: string, clientIp: string): Promise<{ token: string; session: PanelSession }> {
    const token = newToken();
    const now = this.clock.now();
    const session = await this.sessions.save(
      this.sessions.create({
        idHash: sha256Hex(token),
        customerId,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + this.maxMs),
        clientIp: clientIp || null,
      }),
    );
    return { token, session };
  }

  /** The live session for a cookie token, or null (unknown, idle too long, past its end: deleted then). */
  async resolve(token: string | undefined): Promise<PanelSession | null> {
    if (!token) return null;
    const session = await this.sessions.findOneBy({ idHash: sha256Hex(token) });
    if (!session) return null;
    const now = this.clock.now();
    if (session.expiresAt <= now || session.lastSeenAt.getTime() + this.idleMs <= now.getTime()) {
      await this.sessions.delete({ idHash: session.idHash });
      return null;
    }
    if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
      await this.sessions.update({ idHash: session.idHash }, { lastSeenAt: now });
      session.lastSeenAt = now;
    }
    return session;
  }

  async end(session: PanelSession): Promise<void> {
    await this.sessions.delete({ idHash: session.idHash });
  }

  /** Signs the customer out everywhere (new password, access revoked). */
  async endAll(customerId: string): Promise<void> {
    await this.sessions.delete({ customerId });
  }

  async count(customerId: string): Promise<number> {
    return this.sessions.countBy({ customerId });
  }

  /** Rows past their absolute end; idle ones go when next seen or when they reach it. */
  async purgeExpired(): Promise<number> {
    const { affected } = await this.sessions.delete({ expiresAt: LessThan(this.clock.now()) });
    return affected ?? 0;
  }
}
