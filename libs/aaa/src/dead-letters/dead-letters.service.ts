import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter, Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log.service';
import { orNotFound } from '../common/db-errors';
import { Page } from '../common/pagination';
import { rawQuery } from '../common/pg-fast';
import { toStorableText } from '../common/text';
import { ACCOUNTING_ATTRIBUTES, ACCOUNTING_OPTIONAL_ATTRIBUTES } from '../radius/radius-attributes';
import { AttrMap } from '../radius/rlm-rest.codec';
import { DeadLetterKind } from './dead-letter.entity';
import { DeadLetterQuery, DeadLetterView } from './dead-letter.dto';

const added = new Counter({
  name: 'radius_accounting_dead_letters_total',
  help: 'Accounting packets acknowledged but set aside because they can never be stored, by kind (GET /api/accounting/dead-letters)',
  labelNames: ['kind'],
});

/** Set by the running instance: the gauge below asks the database when scraped. */
let countStored: (() => Promise<number>) | undefined;
new Gauge({
  name: 'radius_accounting_dead_letters',
  help: 'Dead-lettered accounting packets stored now, all instances together',
  async collect() {
    if (!countStored) return;
    // A scrape must not hang on a database that does not answer: keep the last value.
    const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 1000).unref());
    const n = await Promise.race([countStored().catch(() => undefined), timeout]);
    if (n !== undefined) this.set(n);
  },
});

/** At most this much of each attribute is kept: enough to see what was wrong. */
const VALUE_MAX = 300;
const VALUES_MAX = 16;

const SELECT = `SELECT id::text, received_at, router_id, host(nas_ip) AS nas_ip, kind, reason, attributes FROM accounting_dead_letters`;

/**
 * Accounting packets that can never be stored. Each is acknowledged (FreeRADIUS and
 * the NAS stop retrying it, and the spool moves on to the packets behind it) and kept
 * here with the reason, for an operator to see and fix the router or the API.
 */
@Injectable()
export class DeadLettersService implements OnApplicationShutdown {
  private readonly log = new Logger('AccountingDeadLetters');
  private readonly count = () =>
    rawQuery<{ n: number }>(this.db, 'SELECT count(*)::int AS n FROM accounting_dead_letters', []).then((r) => r[0].n);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditLog,
  ) {
    countStored = this.count;
  }

  onApplicationShutdown(): void {
    if (countStored === this.count) countStored = undefined;
  }

  /** Durable before it returns, like a stored packet: only then may FreeRADIUS acknowledge. */
  async record(routerId: string | null, nasIp: string, attrs: AttrMap, kind: DeadLetterKind, reason: string): Promise<void> {
    await rawQuery(
      this.db,
      'INSERT INTO accounting_dead_letters (router_id, nas_ip, kind, reason, attributes) VALUES ($1, $2, $3, $4, $5)',
      [routerId, nasIp, kind, toStorableText(reason), JSON.stringify(keptAttributes(attrs))],
    );
    added.inc({ kind });
    this.warn(`accounting packet from ${nasIp} set aside (${kind}): ${toStorableText(reason)}`);
  }

  private lastWarned = -Infinity;
  private unwarned = 0;

  /** One line per 10 s at most: a router that sends a bad packet per session must not flood the log (the metric counts them all). */
  private warn(line: string): void {
    const now = Date.now();
    if (now - this.lastWarned < 10_000) {
      this.unwarned++;
      return;
    }
    this.log.warn(this.unwarned ? `${line} (and ${this.unwarned} more since the last message)` : line);
    this.lastWarned = now;
    this.unwarned = 0;
  }

  async list(q: DeadLetterQuery): Promise<Page<DeadLetterView>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.routerId) where.push(`router_id = $${params.push(q.routerId)}`);
    if (q.kind) where.push(`kind = $${params.push(q.kind)}`);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ n }] = await rawQuery<{ n: string }>(this.db, `SELECT count(*) AS n FROM accounting_dead_letters ${filter}`, params);
    const rows = await rawQuery<Record<string, unknown>>(
      this.db,
      `${SELECT} ${filter} ORDER BY received_at DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, q.limit, q.offset],
    );
    return Page.of(rows.map(toView), Number(n), q);
  }

  async get(id: string): Promise<DeadLetterView> {
    const rows = await rawQuery<Record<string, unknown>>(this.db, `${SELECT} WHERE id = $1`, [id]);
    return toView(orNotFound(rows[0], 'Dead letter'));
  }

  async remove(id: string): Promise<void> {
    const rows = await rawQuery<Record<string, unknown>>(
      this.db,
      `WITH gone AS (DELETE FROM accounting_dead_letters WHERE id = $1 RETURNING *)
       SELECT id::text, received_at, router_id, host(nas_ip) AS nas_ip, kind, reason, attributes FROM gone`,
      [id],
    );
    this.audit.describe({ targetType: 'dead-letter', targetId: id, before: toView(orNotFound(rows[0], 'Dead letter')), after: null });
  }
}

/** The attributes accounting reads, never anything else (so never a password), cut to size. */
function keptAttributes(attrs: AttrMap): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of Object.keys({ ...ACCOUNTING_ATTRIBUTES, ...ACCOUNTING_OPTIONAL_ATTRIBUTES })) {
    const values = attrs.get(name);
    if (values) out[name] = values.slice(0, VALUES_MAX).map((v) => toStorableText(v.length > VALUE_MAX ? `${v.slice(0, VALUE_MAX)}…` : v));
  }
  return out;
}

function toView(r: Record<string, unknown>): DeadLetterView {
  return {
    id: r.id as string,
    receivedAt: r.received_at as Date,
    routerId: (r.router_id as string | null) ?? null,
    nasIp: r.nas_ip as string,
    kind: r.kind as DeadLetterKind,
    reason: r.reason as string,
    attributes: r.attributes as Record<string, string[]>,
  };
}
