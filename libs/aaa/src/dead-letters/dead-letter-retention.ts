import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../audit/audit-context';
import { AuditLog } from '../audit/audit-log.service';
import { AppConfig } from '../common/app-config';
import { Clock } from '../common/clock';

const DAY_MS = 86_400_000;
/** Small batches: a router that floods bad packets must not make one long delete. */
const BATCH = 5000;

/**
 * Dead letters are for an operator to see what a router sends wrong; a router with a
 * firmware bug can send one every few seconds for every session. So they are kept
 * `DEAD_LETTER_RETENTION_DAYS` (default 30; 0 = forever) and then deleted.
 */
@Injectable()
export class DeadLetterRetention {
  private readonly log = new Logger('AccountingDeadLetters');
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
      const n = await this.prune();
      if (!n) return;
      const detail = `deleted ${n} dead letters older than ${this.config.deadLetterRetentionDays} days (DEAD_LETTER_RETENTION_DAYS)`;
      this.log.log(detail);
      // A system write like the archiver's: one audit entry per run that deleted something.
      const scope = { actor: SYSTEM_ACTOR('dead-letter retention'), sourceIp: null, method: null, path: null };
      await this.audit.append(this.audit.entry(scope, { action: 'dead-letters.retention', targetType: 'dead-letter' }, 'ok', null, detail));
    } catch (err) {
      this.log.warn(`dead-letter retention failed: ${(err as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  /** Deletes what is past retention; returns how many. */
  async prune(): Promise<number> {
    if (this.config.deadLetterRetentionDays <= 0) return 0;
    const before = new Date(this.clock.now().getTime() - this.config.deadLetterRetentionDays * DAY_MS);
    let total = 0;
    for (;;) {
      const rows: unknown[] = await this.db.query(
        `DELETE FROM accounting_dead_letters WHERE id IN
           (SELECT id FROM accounting_dead_letters WHERE received_at < $1 LIMIT ${BATCH}) RETURNING id`,
        [before],
      );
      total += rows.length;
      if (rows.length < BATCH) return total;
    }
  }
}
