import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PgNotifier } from '../common/pg-notifier';
import { AAA_EVENTS, SessionLimitReachedEvent } from '../events';

/** Migration 1764540000000: the usage triggers NOTIFY here when a booking crosses a plan's data limit. */
export const PLAN_LIMIT_CHANNEL = 'aaa_plan_limit';

/**
 * A plan's period data limit crossed during a session is announced like a used-up quota
 * (`sessionLimitReached`), for each of the account's open sessions: router-rpc throttles or
 * restricts them by CoA, or disconnects a hotspot login. Every instance hears the NOTIFY; one
 * claims the period (`limit_announced_at`) and announces it, and the `changeKey` (the account's
 * period) keeps it one CoA even if it were announced twice.
 */
@Injectable()
export class PlanLimitListener implements OnApplicationBootstrap {
  private readonly log = new Logger(PlanLimitListener.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly bus: PgNotifier,
    private readonly events: EventEmitter2,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.listen(PLAN_LIMIT_CHANNEL, (payload) => void this.heard(payload));
  }

  /** `<account id> <period start, epoch seconds>`. */
  async heard(payload: string): Promise<void> {
    const [accountId, periodStart] = payload.split(' ');
    if (!/^[0-9a-f-]{36}$/.test(accountId ?? '') || !/^-?\d+$/.test(periodStart ?? '')) return;
    try {
      // Every instance hears the NOTIFY: the one whose UPDATE claims the period acts.
      // In a CTE: TypeORM answers a bare UPDATE with [rows, count], a SELECT with its rows.
      const claimed: unknown[] = await this.db.query(
        `WITH claimed AS (
           UPDATE account_usage SET limit_announced_at = now()
            WHERE account_id = $1 AND period_start = to_timestamp($2) AND limit_announced_at IS NULL RETURNING 1
         ) SELECT 1 FROM claimed`,
        [accountId, Number(periodStart)],
      );
      if (!claimed.length) return;
      const open: { id: string }[] = await this.db.query('SELECT id FROM sessions WHERE account_id = $1 AND stopped_at IS NULL', [
        accountId,
      ]);
      for (const s of open) {
        const event: SessionLimitReachedEvent = { sessionId: s.id, accountId, reason: 'quota', changeKey: `plan-limit:${periodStart}` };
        this.events.emit(AAA_EVENTS.sessionLimitReached, event);
      }
    } catch (err) {
      this.log.warn(`plan limit of account ${accountId}: ${(err as Error).message}`);
    }
  }
}
