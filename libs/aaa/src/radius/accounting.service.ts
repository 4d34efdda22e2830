import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AAA_EVENTS, SessionLimitReachedEvent } from '../events';
import { Router } from '../routers/router.entity';
import { hotQuery, pgPool } from '../common/pg-fast';
import { isDatabaseUnavailable } from '../common/db-unavailable';
import { AccountLookup } from './account-lookup';
import { AccountingPacket } from './radius-request';

/**
 * One call stores a whole batch in its own transaction (the SQL function of migrations
 * 1764300000002-reused-session-ids and 1764530000000-ipv6: locks, which stored session
 * each packet belongs to, update or insert, usage update). Every field merges monotonically, so a packet
 * applied twice, or packets applied in any order, converge to the same row: counters
 * only grow, the earliest start and the first stop win, and a late Interim cannot
 * reopen a stopped session. A router reusing an Acct-Session-Id gets a new session.
 */
const STORE_SQL = `
  SELECT * FROM aaa_store_accounting($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::inet[], $7::text[], $8::text[],
                                     $9::boolean[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::bigint[],
                                     $14::bigint[], $15::int[], $16::text[], $17::cidr[], $18::cidr[], $19::inet[])`;

/** At most this many packets per transaction, and this many transactions at once. */
const MAX_BATCH = 256;
const MAX_CONCURRENT = 1;

interface Pending {
  router: Router;
  p: AccountingPacket;
  key: string;
  resolve: (limit: SessionLimitReachedEvent | null) => void;
  reject: (err: unknown) => void;
}

interface BatchRow {
  ord: string;
  id: string;
  account_id: string | null;
  started_at: Date;
  stopped_at: Date | null;
  delta: string;
  acc_id: string | null;
  used_bytes: string | null;
  quota_bytes: string | null;
  expires_at: Date | null;
}

/**
 * Accounting with group commit: packets that arrive while a transaction is in flight
 * are stored together in the next one (one multi-row upsert), and each HTTP request
 * is answered only after the COMMIT that contains its packet. Idle, a packet goes
 * out at once; busy, batches grow by themselves. No packet is acknowledged early.
 */
@Injectable()
export class AccountingService implements OnApplicationShutdown {
  private readonly log = new Logger(AccountingService.name);
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: EventEmitter2,
    private readonly accounts: AccountLookup,
  ) {}

  /** Durable before it returns: FreeRADIUS acknowledges the NAS only after this commits. */
  async ingest(router: Router, p: AccountingPacket): Promise<void> {
    if (p.status === 'Accounting-On' || p.status === 'Accounting-Off') return this.closeAllOf(router, p.eventTime);
    if (!p.acctSessionId) {
      this.log.warn(`accounting ${p.status} from ${router.nasIdentifier} without Acct-Session-Id ignored`);
      return;
    }
    const limit = await new Promise<SessionLimitReachedEvent | null>((resolve, reject) => {
      this.queue.push({ router, p, key: `${router.id}/${p.acctSessionId}`, resolve, reject });
      this.schedule();
    });
    if (limit) this.events.emit(AAA_EVENTS.sessionLimitReached, limit);
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_CONCURRENT || !this.queue.length) return;
    this.scheduled = true;
    // Let the packets that arrived in the same I/O turn join this batch.
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    while (this.inFlight < MAX_CONCURRENT && this.queue.length) {
      // One packet per session per batch (a statement cannot upsert a row twice); the
      // session's next packet waits for the next batch, keeping arrival order.
      const batch: Pending[] = [];
      const keys = new Set<string>();
      const rest: Pending[] = [];
      for (const item of this.queue) {
        if (batch.length < MAX_BATCH && !keys.has(item.key)) {
          keys.add(item.key);
          batch.push(item);
        } else rest.push(item);
      }
      this.queue = rest;
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.schedule();
      });
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    try {
      const limits = await this.store(batch);
      batch.forEach((item, i) => item.resolve(limits[i]));
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      // An outage fails every packet alike (FreeRADIUS spools them): no point in one retry each.
      if (isDatabaseUnavailable(err)) return batch.forEach((item) => item.reject(err));
      // One bad packet must not fail its neighbours: retry them one by one.
      this.log.warn(`accounting batch of ${batch.length} failed (${(err as Error).message}); retrying singly`);
      await Promise.all(batch.map((item) => this.run([item])));
    }
  }

  /**
   * One round trip per batch: the function call is its own transaction, and the
   * answer comes back only after its COMMIT (node-postgres resolves on ReadyForQuery).
   * This VM pays ~0.1-0.5 ms per socket write that wakes PostgreSQL, so BEGIN, locks,
   * upsert and COMMIT as separate statements cost more than the work itself.
   */
  private async store(batch: Pending[]): Promise<(SessionLimitReachedEvent | null)[]> {
    const { rows } = await pgPool(this.db).query<BatchRow>(hotQuery(STORE_SQL, columns(batch)));
    // The triggers' notifications tell every instance; this one must not wait for its own.
    this.accounts.forget(changedAccounts(batch, rows));
    // Accounts on a plan: usage per period (account_usage, booked by triggers) moved too.
    this.accounts.forgetPlanAccounts(rows.map((r) => r.account_id));
    return limitsOf(batch, rows);
  }

  /** Accounting-On/Off: the NAS rebooted or stopped, so none of its sessions survive. */
  private async closeAllOf(router: Router, at: Date): Promise<void> {
    await this.db.query(
      `UPDATE sessions SET stopped_at = GREATEST(last_seen_at, LEAST($2::timestamptz, now())), terminate_cause = 'NAS-Reboot'
        WHERE router_id = $1 AND stopped_at IS NULL AND started_at <= $2`,
      [router.id, at],
    );
  }

  /** Lets batches in flight finish on shutdown, so no acknowledged packet is lost. */
  async onApplicationShutdown(): Promise<void> {
    const deadline = Date.now() + 5000;
    while ((this.inFlight || this.queue.length) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }
}

function columns(batch: Pending[]): unknown[][] {
  const cols: unknown[][] = Array.from({ length: 19 }, () => []);
  for (const { router, p } of batch) {
    const start = p.status === 'Start';
    // When the session started, as this packet tells it; unknown without Acct-Session-Time.
    const startedAt = start ? p.eventTime : p.sessionTime === null ? null : new Date(p.eventTime.getTime() - p.sessionTime * 1000);
    const stop = p.status === 'Stop';
    const values = [
      router.id,
      p.acctSessionId,
      p.acctUniqueId,
      p.username,
      p.accountKey,
      p.framedIp,
      p.callingStationId,
      p.calledStationId,
      start,
      startedAt,
      p.eventTime,
      stop ? p.eventTime : null,
      p.inputOctets,
      p.outputOctets,
      p.sessionTime ?? 0,
      stop ? (p.terminateCause ?? 'Unknown') : null,
      p.framedIpv6Prefix,
      p.delegatedIpv6Prefix,
      p.framedIpv6Address,
    ];
    values.forEach((v, i) => cols[i].push(v));
  }
  return cols;
}

/** Accounts whose authorize inputs this batch changed: sessions opened or closed, usage against a quota. */
function changedAccounts(batch: Pending[], rows: BatchRow[]): string[] {
  return rows
    .filter((r) => r.account_id && (r.quota_bytes !== null || batch[Number(r.ord) - 1].p.status !== 'Interim-Update'))
    .map((r) => r.account_id!);
}

/**
 * Usage-limit events per packet, as if the batch had been applied packet by packet:
 * an account's usage right after packet j is its final usage minus the deltas of its
 * later packets in the batch.
 */
function limitsOf(batch: Pending[], rows: BatchRow[]): (SessionLimitReachedEvent | null)[] {
  const out: (SessionLimitReachedEvent | null)[] = batch.map(() => null);
  const laterDelta = new Map<string, number>();
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i];
    const idx = Number(row.ord) - 1;
    const delta = Number(row.delta);
    if (!row.account_id || !row.acc_id) continue;
    const later = laterDelta.get(row.account_id) ?? 0;
    laterDelta.set(row.account_id, later + Math.max(delta, 0));
    const p = batch[idx].p;
    if (p.status !== 'Interim-Update' || row.stopped_at) continue;
    const used = Number(row.used_bytes) - later;
    out[idx] = limitReached(
      row,
      { used, quota: row.quota_bytes === null ? null : Number(row.quota_bytes), expiresAt: row.expires_at },
      delta,
      p.eventTime,
    );
  }
  return out;
}

/** Crossing the quota now, or still running on a login that expired after it started. */
function limitReached(
  row: { id: string; account_id: string | null; started_at: Date },
  acc: { used: number; quota: number | null; expiresAt: Date | null },
  delta: number,
  now: Date,
): SessionLimitReachedEvent | null {
  const accountId = row.account_id!;
  if (acc.quota !== null && delta > 0 && acc.used - delta < acc.quota && acc.used >= acc.quota) {
    return { sessionId: row.id, accountId, reason: 'quota' };
  }
  const exp = acc.expiresAt;
  if (exp && exp.getTime() <= now.getTime() && new Date(row.started_at).getTime() < exp.getTime()) {
    return { sessionId: row.id, accountId, reason: 'expired' };
  }
  return null;
}
