import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../common/app-config';
import { Clock } from '../common/clock';

/** Small enough that a batch holds few locks and commits in well under a second. */
const BATCH = 1000;
const DAY_MS = 86_400_000;

export interface ArchiveResult {
  moved: number;
  dropped: string[];
}

/**
 * Keeps `sessions` (the table every accounting packet touches) to open and recently
 * closed sessions: older closed ones move to `sessions_history`, one partition per
 * month, and months past retention are dropped whole. The SQL is in migration
 * 1764200000000; one archiver runs at a time however many instances call it.
 */
@Injectable()
export class SessionArchiver {
  private readonly log = new Logger(SessionArchiver.name);
  private running = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  @Interval(600_000)
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.archive();
    } catch (err) {
      this.log.warn(`session archiving failed: ${(err as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  async archive(): Promise<ArchiveResult> {
    const now = this.clock.now();
    const result: ArchiveResult = { moved: 0, dropped: [] };
    if (this.config.sessionArchiveAfterDays > 0) {
      // This month and the next exist before any session needs them.
      for (const at of [now, new Date(now.getTime() + 32 * DAY_MS)]) await this.db.query('SELECT aaa_history_partition($1)', [at]);
      const before = new Date(now.getTime() - this.config.sessionArchiveAfterDays * DAY_MS);
      let n: number;
      do {
        n = (await this.db.query('SELECT aaa_archive_sessions($1, $2) AS n', [before, BATCH]))[0].n as number;
        result.moved += n;
      } while (n === BATCH);
    }
    if (this.config.sessionHistoryMonths > 0) {
      const cutoff = monthsBefore(now, this.config.sessionHistoryMonths);
      const rows: { name: string }[] = await this.db.query('SELECT aaa_drop_history_before($1) AS name', [cutoff]);
      result.dropped = rows.map((r) => r.name);
    }
    if (result.moved || result.dropped.length) {
      this.log.log(`moved ${result.moved} closed sessions to history; dropped ${result.dropped.join(', ') || 'no months'}`);
    }
    return result;
  }
}

/** The start of the UTC month `months` whole months before the current one. */
export function monthsBefore(now: Date, months: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
}
