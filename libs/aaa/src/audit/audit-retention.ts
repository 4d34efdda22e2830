import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../common/app-config';
import { Clock } from '../common/clock';
import { monthsBefore } from '../sessions/session-archiver';
import { SYSTEM_ACTOR } from './audit-context';
import { AuditLog } from './audit-log.service';

const DAY_MS = 86_400_000;

/**
 * The audit log's months: this one and the next exist before an entry needs them, and
 * with AUDIT_LOG_MONTHS set, months wholly older than that are dropped (DROP TABLE, the
 * only way entries ever leave; the drop itself is logged). Safe on every instance at once.
 */
@Injectable()
export class AuditRetention implements OnApplicationBootstrap {
  private readonly log = new Logger('AuditRetention');
  private running = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditLog,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    void this.tick();
  }

  @Interval(600_000)
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.run();
    } catch (err) {
      this.log.warn(`audit log maintenance failed: ${(err as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  /** Returns the months dropped. */
  async run(): Promise<string[]> {
    const now = this.clock.now();
    for (const at of [now, new Date(now.getTime() + 32 * DAY_MS)]) await this.audit.ensureMonth(at);
    if (this.config.auditLogMonths <= 0) return [];
    const cutoff = monthsBefore(now, this.config.auditLogMonths);
    const rows: { name: string }[] = await this.db.query('SELECT aaa_audit_drop_before($1) AS name', [cutoff]);
    const dropped = rows.map((r) => r.name);
    if (dropped.length) {
      this.audit.forgetMonths();
      this.log.log(`dropped audit log months ${dropped.join(', ')} (AUDIT_LOG_MONTHS=${this.config.auditLogMonths})`);
      const scope = { actor: SYSTEM_ACTOR('audit retention'), sourceIp: null, method: null, path: null };
      const detail = `dropped ${dropped.join(', ')}: entries before ${cutoff.toISOString()} (AUDIT_LOG_MONTHS=${this.config.auditLogMonths})`;
      await this.audit.append(this.audit.entry(scope, { action: 'audit-log.retention', targetType: 'audit-log' }, 'ok', null, detail));
    }
    return dropped;
  }
}
