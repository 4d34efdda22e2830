import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isIP } from 'node:net';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { AppConfig } from '../common/app-config';
import { Clock } from '../common/clock';
import { pgCode } from '../common/db-errors';
import { AuditActor, AuditChange, auditScope, AuditScope, SYSTEM_ACTOR } from './audit-context';
import { Changes, diffFields, scrub } from './audit-diff';

export type AuditOutcome = 'ok' | 'failed' | 'denied';

/** One row of the audit log, before it is stored. */
export interface AuditEntry {
  at: Date;
  actor: AuditActor;
  sourceIp: string | null;
  method: string | null;
  path: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  changes: Changes | null;
  outcome: AuditOutcome;
  status: number | null;
  detail: string | null;
}

const appended = new Counter({
  name: 'audit_log_entries_total',
  help: 'Entries appended to the audit log, by outcome (ok, failed, denied)',
  labelNames: ['outcome'],
});
const lost = new Counter({
  name: 'audit_log_append_failures_total',
  help: 'Audit entries the database did not take (written to the application log instead)',
});

const PG_NO_PARTITION = '23514';
const TEXT_MAX = 1000;

const INSERT = `INSERT INTO audit_log (at, actor_type, operator_id, actor_name, token_id, token_prefix, source_ip, method, path,
                                       action, target_type, target_id, changes, outcome, status, detail, customer_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`;

/**
 * Appends to the audit log (migration 1764420000001: append-only, by month). Every admin
 * write gets one entry (audit.interceptor.ts), the services describing what they changed
 * through `describe()`; denied attempts come from the guard; system work runs in `system()`.
 * Entries never hold a secret: changes are diffs of views with secret fields redacted,
 * and any string is scrubbed of operator tokens and the API's own tokens.
 */
@Injectable()
export class AuditLog {
  private readonly log = new Logger('AuditLog');
  /** Months known to have their partition, so an insert does not ask each time. */
  private readonly months = new Set<string>();
  private readonly known: string[];

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    const key = config.secretKey;
    this.known = [config.adminToken, config.radiusApiToken, config.metricsToken, key?.toString('hex'), key?.toString('base64')].filter(
      (s): s is string => !!s,
    );
  }

  /** Called by a service inside a write: what it changed. Outside one (RADIUS traffic) it does nothing. */
  describe(change: AuditChange): void {
    const scope = auditScope.getStore();
    if (scope) scope.change = { ...scope.change, ...change };
  }

  /**
   * Runs system work (a disconnect the system decided, a sweep) as its own write: the
   * entry names the system part as actor, with what `fn` described, and the outcome.
   */
  async system<T>(name: string, fallback: AuditChange & { action: string }, fn: () => Promise<T>): Promise<T> {
    const scope: AuditScope = { actor: SYSTEM_ACTOR(name), sourceIp: null, method: null, path: null };
    const finish = (outcome: AuditOutcome, error?: string) => {
      const change = { ...fallback, ...scope.change, action: fallback.action };
      const detail = [change.detail, error].filter(Boolean).join(': ') || null;
      return this.append(this.entry(scope, change, outcome, null, detail));
    };
    try {
      const result = await auditScope.run(scope, fn);
      await finish('ok');
      return result;
    } catch (err) {
      await finish('failed', (err as Error).message);
      throw err;
    }
  }

  /**
   * One entry for a write made outside the admin API, by `actor`: a customer in the panel
   * (`{type: 'customer', customerId, name, …}`). Stored before it returns; never throws.
   */
  record(
    actor: AuditActor,
    change: AuditChange & { action: string },
    outcome: AuditOutcome,
    at: { sourceIp?: string | null; method?: string | null; path?: string | null; status?: number | null; detail?: string | null } = {},
  ): Promise<void> {
    const scope: AuditScope = { actor, sourceIp: at.sourceIp ?? null, method: at.method ?? null, path: at.path ?? null };
    return this.append(this.entry(scope, change, outcome, at.status ?? null, at.detail));
  }

  /** An entry for `change` as written by `scope`'s actor. */
  entry(
    scope: AuditScope,
    change: AuditChange & { action: string },
    outcome: AuditOutcome,
    status: number | null,
    detail?: string | null,
  ): AuditEntry {
    const described = change.before !== undefined || change.after !== undefined || change.secrets?.length;
    return {
      at: this.clock.now(),
      actor: scope.actor,
      sourceIp: scope.sourceIp,
      method: scope.method,
      path: scope.path,
      action: change.action,
      targetType: change.targetType ?? null,
      targetId: change.targetId ?? null,
      changes: described ? diffFields(change.before, change.after, change.secrets, this.known) : null,
      outcome,
      status,
      detail: detail ?? null,
    };
  }

  /**
   * Stores an entry before the caller answers. It never throws: an entry the database
   * does not take (it is down) goes to the application log in full, and is counted.
   */
  async append(e: AuditEntry): Promise<void> {
    const params = [
      e.at,
      e.actor.type,
      e.actor.operatorId,
      this.text(e.actor.name),
      e.actor.tokenId,
      e.actor.tokenPrefix,
      // A proxy's X-Forwarded-For may hold anything; inet takes only addresses.
      e.sourceIp && isIP(e.sourceIp) ? e.sourceIp : null,
      e.method,
      this.text(e.path),
      e.action,
      e.targetType,
      this.text(e.targetId),
      // Redacted field by field already (diffFields), which keeps {from, to} of a secret readable as "[redacted]".
      e.changes ? JSON.stringify(e.changes) : null,
      e.outcome,
      e.status,
      this.text(e.detail),
      e.actor.customerId ?? null,
    ];
    try {
      await this.ensureMonth(e.at);
      await this.insert(e.at, params);
      appended.inc({ outcome: e.outcome });
    } catch (err) {
      lost.inc();
      const { at, actor, action, targetType, targetId, outcome, status, method } = e;
      const kept = { at, actor, action, targetType, targetId, outcome, status, method, path: params[8] };
      this.log.error(`audit entry not stored (${(err as Error).message}): ${JSON.stringify(kept)}`);
    }
  }

  /** The month's partition exists (created if needed); remembered per month. */
  async ensureMonth(at: Date): Promise<void> {
    const month = at.toISOString().slice(0, 7);
    if (this.months.has(month)) return;
    await this.db.query('SELECT aaa_audit_partition($1)', [at]);
    this.months.add(month);
  }

  /** Forgets which months exist (retention dropped some). */
  forgetMonths(): void {
    this.months.clear();
  }

  private async insert(at: Date, params: unknown[]): Promise<void> {
    try {
      await this.db.query(INSERT, params);
    } catch (err) {
      // Its month was dropped or never made (another instance, a restore): make it, once.
      if (pgCode(err) !== PG_NO_PARTITION) throw err;
      this.months.clear();
      await this.ensureMonth(at);
      await this.db.query(INSERT, params);
    }
  }

  private text(value: string | null): string | null {
    if (value === null) return null;
    const clean = scrub(value, this.known).replace(/\0/g, '');
    return clean.length > TEXT_MAX ? `${clean.slice(0, TEXT_MAX)}…` : clean;
  }
}
