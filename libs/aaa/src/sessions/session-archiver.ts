import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../audit/audit-context';
import { AuditLog } from '../audit/audit-log.service';
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
    private readonly audit: AuditLog,
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
    await this.logged(result);
    return result;
  }

  /** Moving sessions and dropping months of history are system writes: one audit entry each per run. */
  private async logged(result: ArchiveResult): Promise<void> {
    const scope = { actor: SYSTEM_ACTOR('session archiver'), sourceIp: null, method: null, path: null };
    if (result.moved) {
      const detail = `moved ${result.moved} closed sessions to sessions_history (SESSION_ARCHIVE_AFTER_DAYS=${this.config.sessionArchiveAfterDays})`;
      await this.audit.append(this.audit.entry(scope, { action: 'sessions.archive', targetType: 'session' }, 'ok', null, detail));
    }
    if (result.dropped.length) {
      const detail = `dropped ${result.dropped.join(', ')} (SESSION_HISTORY_MONTHS=${this.config.sessionHistoryMonths})`;
      await this.audit.append(this.audit.entry(scope, { action: 'sessions.retention', targetType: 'session' }, 'ok', null, detail));
    }
  }
}

/** The start of the UTC month `months` whole months before the current one. */
export function monthsBefore(now: Date, months: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
}
