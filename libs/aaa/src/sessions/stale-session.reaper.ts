import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../common/app-config';

/**
 * Closes sessions whose NAS went quiet (B050: a laptop asleep never sends Stop).
 * Quiet = no update for two interim intervals plus a grace period. Safe on every
 * instance at once: the UPDATE is idempotent.
 */
@Injectable()
export class StaleSessionReaper {
  private readonly log = new Logger(StaleSessionReaper.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  @Interval(60_000)
  async tick(): Promise<void> {
    await this.reap().catch((err) => this.log.warn(`stale-session sweep failed: ${(err as Error).message}`));
  }

  async reap(now = new Date()): Promise<number> {
    const quietSeconds = 2 * this.config.acctInterimInterval + this.config.staleGraceSeconds;
    const [, affected] = await this.db.query(
      `UPDATE sessions SET stopped_at = last_seen_at, terminate_cause = 'Stale'
        WHERE stopped_at IS NULL AND last_seen_at < $1::timestamptz - make_interval(secs => $2)`,
      [now, quietSeconds],
    );
    if (affected) this.log.log(`closed ${affected} stale sessions`);
    return affected ?? 0;
  }
}
