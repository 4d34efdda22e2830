import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '@app/aaa';
import { PanelSessions } from './auth/panel-sessions.service';
import { SignInLockout } from './auth/sign-in-lockout.service';

/**
 * Deletes what can no longer be used: sessions past their end, invites used or expired a
 * week ago (kept that long so an admin can still see one was used), failure counts whose
 * window and lock are over. Idempotent DELETEs: safe on every instance at once.
 */
@Injectable()
export class PanelJanitor {
  private readonly log = new Logger('Panel');

  constructor(
    private readonly sessions: PanelSessions,
    private readonly lockout: SignInLockout,
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  @Interval(15 * 60_000)
  async tick(): Promise<void> {
    await this.sweep().catch((err) => this.log.warn(`panel clean-up failed: ${(err as Error).message}`));
  }

  async sweep(): Promise<void> {
    await this.sessions.purgeExpired();
    await this.lockout.purge();
    const weekAgo = new Date(this.clock.now().getTime() - 7 * 86_400_000);
    await this.db.query(`DELETE FROM panel_invites WHERE expires_at < $1 OR used_at < $1`, [weekAgo]);
  }
}
