import { HttpException, Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import { AAA_EVENTS, AccountStatusChangedEvent, AuditLog, SessionLimitReachedEvent } from '@app/aaa';
import { DisconnectService } from './disconnect.service';

/**
 * Cuts sessions when aaa says they must end (ban, disable; quota and expiry when the session
 * cannot go on throttled or restricted, see LiveChangeListener). Runs detached from
 * the request that caused it, so it logs failures and never throws back into the emitter.
 */
@Injectable()
export class AutoDisconnectListener {
  private readonly log = new Logger(AutoDisconnectListener.name);

  constructor(
    private readonly disconnects: DisconnectService,
    private readonly db: DataSource,
    private readonly audit: AuditLog,
  ) {}

  @OnEvent(AAA_EVENTS.accountStatusChanged)
  async onAccountStatus(e: AccountStatusChangedEvent): Promise<void> {
    if (e.status !== 'disabled' && e.status !== 'banned') return;
    try {
      const open: { id: string }[] = await this.db.query('SELECT id FROM sessions WHERE account_id = $1 AND stopped_at IS NULL', [
        e.accountId,
      ]);
      await Promise.all(open.map((s) => this.cut(s.id, `account ${e.status}`)));
    } catch (err) {
      this.log.error(`disconnecting sessions of account ${e.accountId} failed: ${(err as Error).message}`);
    }
  }

  /** Called by LiveChangeListener when a limit cannot be applied as a throttled or restricted session. */
  async onLimit(e: SessionLimitReachedEvent): Promise<void> {
    await this.cut(e.sessionId, `limit reached (${e.reason})`);
  }

  private async cut(sessionId: string, why: string): Promise<void> {
    try {
      // The system's doing, not the request that caused it: its own audit entry, with the reason.
      const change = { action: 'sessions.disconnect', targetType: 'session', targetId: sessionId, detail: why };
      await this.audit.system('automatic disconnect', change, () => this.disconnects.disconnect(sessionId));
      this.log.log(`session ${sessionId} disconnected: ${why}`);
    } catch (err) {
      // 409: the session ended on its own meanwhile, which is what we wanted.
      if (err instanceof HttpException && err.getStatus() === 409) return;
      this.log.warn(`automatic disconnect of session ${sessionId} (${why}) failed: ${(err as Error).message}`);
    }
  }
}
