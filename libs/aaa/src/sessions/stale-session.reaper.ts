import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log.service';
import { AppConfig } from '../common/app-config';

/**
 * Closes sessions whose NAS went quiet (B050: a laptop asleep never sends Stop).
 * Quiet = no update for two interim intervals plus a grace period. Safe on every
 * instance at once: the UPDATE is idempotent. Each session it closes gets its audit
 * entry (actor: the system) in the same statement.
 */
@Injectable()
export class StaleSessionReaper {
  private readonly log = new Logger(StaleSessionReaper.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditLog,
  ) {}

  @Interval(60_000)
  async tick(): Promise<void> {
    await this.reap().catch((err) => this.log.warn(`stale-session sweep failed: ${(err as Error).message}`));
  }

  async reap(now = new Date()): Promise<number> {
    const quietSeconds = 2 * this.config.acctInterimInterval + this.config.staleGraceSeconds;
    await this.audit.ensureMonth(new Date());
    const [{ n: affected }]: { n: number }[] = await this.db.query(
      `WITH closed AS (
         UPDATE sessions SET stopped_at = last_seen_at, terminate_cause = 'Stale'
          WHERE stopped_at IS NULL AND last_seen_at < $1::timestamptz - make_interval(secs => $2)
          RETURNING id, last_seen_at
       ), logged AS (
         INSERT INTO audit_log (at, actor_type, actor_name, action, target_type, target_id, changes, outcome, detail)
         SELECT now(), 'system', 'stale-session reaper', 'sessions.close', 'session', c.id::text,
                jsonb_build_object('stoppedAt', jsonb_build_object('from', NULL, 'to', c.last_seen_at),
                                   'terminateCause', jsonb_build_object('from', NULL, 'to', 'Stale')),
                'ok', format('no accounting for %s s', $2)
           FROM closed c
       )
       SELECT count(*)::int AS n FROM closed`,
      [now, quietSeconds],
    );
    if (affected) this.log.log(`closed ${affected} stale sessions`);
    return affected;
  }
}
