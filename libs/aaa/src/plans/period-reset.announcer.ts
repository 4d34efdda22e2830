import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { derivedId } from '../common/derived-id';
import { AAA_EVENTS, AuthorizationChangedEvent } from '../events';
import { EFFECTIVE_THROTTLE } from '../radius/account-row';

const SWEEP_MS = 30_000;
/** At start-up, resets this far back are announced too (the API was down at the time). */
const LOOK_BACK_MS = 15 * 60_000;

/**
 * A period that ends gives throttled sessions their full speed back by CoA (issue 15). Found
 * by a sweep: periods that ended since the last one whose data was used up, on a plan that
 * throttles, with a session still open. A login restricted by its period ends at the reset by
 * itself (its Session-Timeout, policy.ts), so only throttled ones need this. Every instance
 * sweeps; the change id is derived from the account and the period's end, so each reset is one
 * CoA however many instances, and however many sweeps, see it.
 */
@Injectable()
export class PeriodResetAnnouncer {
  private readonly log = new Logger(PeriodResetAnnouncer.name);
  private since: Date | null = null;
  private running = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly events: EventEmitter2,
  ) {}

  @Interval(SWEEP_MS)
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.sweep();
    } catch (err) {
      this.log.warn(`period reset sweep failed: ${(err as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  /** Announces the resets since the last sweep; returns how many accounts it announced. */
  async sweep(): Promise<number> {
    const now = this.clock.now();
    const since = this.since ?? new Date(now.getTime() - LOOK_BACK_MS);
    const rows: { account_id: string; period_end: Date }[] = await this.db.query(
      `SELECT u.account_id, u.period_end
         FROM account_usage u
         JOIN accounts a ON a.id = u.account_id
         JOIN plans pl ON pl.id = a.plan_id
        WHERE u.period_end > $1 AND u.period_end <= $2
          AND pl.data_bytes IS NOT NULL AND u.bytes >= pl.data_bytes
          AND ${EFFECTIVE_THROTTLE} IS NOT NULL
          AND EXISTS (SELECT 1 FROM sessions s WHERE s.account_id = a.id AND s.stopped_at IS NULL)`,
      [since, now],
    );
    for (const r of rows) {
      const event: AuthorizationChangedEvent = {
        changeId: derivedId(`period-reset:${r.account_id}:${r.period_end.toISOString()}`),
        accountIds: [r.account_id],
        reason: 'reset',
        restriction: null,
      };
      this.events.emit(AAA_EVENTS.authorizationChanged, event);
    }
    this.since = now;
    return rows.length;
  }
}
