import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PgNotifier } from '@app/aaa';
import { InstanceId } from '../router-rpc.options';
import { CoaJob, CoaOutcome, LiveChangeService } from './live-change.service';

/** Every instance LISTENs here; the payload is a `coa_requests` id. */
export const COA_CHANNEL = 'aaa_coa';
/** Unclaimed rows older than this are picked up by the sweep (a NOTIFY lost while a connection was down). */
const SWEEP_MS = 5000;
/** A claim not finished after this long belonged to an instance that died mid-send: taken over (a CoA and its fallback disconnect take at most 2 × RPC_TIMEOUT_MS, 60 s each at most). */
const ORPHANED_CLAIM = '5 minutes';
/**
 * Jobs one instance runs at once (each holds a UDP socket while it waits for the router). A job
 * is claimed only once a slot is free, so a profile edit that reaches thousands of sessions is
 * spread over the instances that have room instead of queued on the first to hear it.
 */
const MAX_IN_FLIGHT = 32;
/** Finished records are kept this long (a session's `lastCoa`, the operator's view of what was sent), then deleted. */
const KEEP_FINISHED = '30 days';
const RETENTION_EVERY_MS = 10 * 60_000;
/** NOTIFY payloads stay well under PostgreSQL's 8000-byte limit: ids go out in batches. */
const MAX_PAYLOAD = 7000;

export interface CoaRecord {
  id: string;
  sessionId: string;
  reason: string;
  createdAt: Date;
  finishedAt: Date | null;
  outcome: string | null;
  errorCause: string | null;
  detail: string | null;
  sent: [string, string | number][] | null;
}

const RETURNING = `id, session_id, change_id, reason, enforce, restriction`;

/**
 * The hand-over of live changes between API instances (migration 1764520000000). The instance
 * where a change happened inserts one row per open session and change, then NOTIFYs every
 * instance; each one tries `UPDATE … SET claimed_by = me WHERE claimed_by IS NULL`, and
 * PostgreSQL's row lock lets exactly one succeed: that one sends. The unique (session, change)
 * pair keeps a change announced twice from becoming two rows. A sweep picks up rows whose
 * notification was lost, and claims left by an instance that died before finishing.
 */
@Injectable()
export class CoaOutbox implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(CoaOutbox.name);
  private sweeper?: NodeJS.Timeout;
  private readonly running = new Set<Promise<unknown>>();
  private inFlight = 0;
  private lastRetention = 0;
  private readonly slotWaiters: (() => void)[] = [];

  constructor(
    private readonly db: DataSource,
    private readonly bus: PgNotifier,
    private readonly instance: InstanceId,
    private readonly changes: LiveChangeService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.listen(COA_CHANNEL, (payload) => {
      for (const id of payload.split(',')) this.track(this.claimAndRun(id));
    });
    this.sweeper = setInterval(() => this.track(this.sweep()), SWEEP_MS);
    this.sweeper.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.allSettled([...this.running]);
  }

  /**
   * Records the jobs and tells every instance; returns at once (the send happens on whichever
   * instance claims). A change announced again is not sent again, unless its last try found the
   * router unreachable or its fallback failed: then it is tried anew (an expiry that could not be
   * enforced is, at the next Interim-Update, as before live changes).
   */
  async enqueue(jobs: Omit<CoaJob, 'id'>[]): Promise<void> {
    if (!jobs.length) return;
    const rows: { id: string }[] = await this.db.query(
      `INSERT INTO coa_requests (session_id, change_id, reason, enforce, restriction)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::boolean[], $5::text[])
       ON CONFLICT (session_id, change_id) DO UPDATE
         SET created_at = now(), claimed_by = NULL, claimed_at = NULL, finished_at = NULL,
             outcome = NULL, error_cause = NULL, detail = NULL, sent = NULL
         WHERE coa_requests.outcome IN ('failed', 'timeout')
       RETURNING id`,
      [
        jobs.map((j) => j.sessionId),
        jobs.map((j) => j.changeId),
        jobs.map((j) => j.reason),
        jobs.map((j) => j.enforce),
        jobs.map((j) => j.restriction),
      ],
    );
    for (const payload of batches(rows.map((r) => String(r.id)))) {
      // A lost notification is not lost work: the sweep finds the rows.
      await this.bus.notify(COA_CHANNEL, payload).catch((err: Error) => this.log.warn(`CoA ${payload} not announced: ${err.message}`));
    }
  }

  /** The admin's re-send: claimed by this instance from the start, sent now, answered with the record. */
  async runNow(job: Omit<CoaJob, 'id'>): Promise<CoaRecord> {
    const [row] = await this.db.query(
      `INSERT INTO coa_requests (session_id, change_id, reason, enforce, restriction, claimed_by, claimed_at)
       VALUES ($1, $2, $3, $4, $5, $6, now()) RETURNING ${RETURNING}`,
      [job.sessionId, job.changeId, job.reason, job.enforce, job.restriction, this.instance.value],
    );
    await this.run(toJob(row));
    return (await this.lastFor(job.sessionId))!;
  }

  async lastFor(sessionId: string): Promise<CoaRecord | null> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT id, session_id, reason, created_at, finished_at, outcome, error_cause, detail, sent
         FROM coa_requests WHERE session_id = $1 AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1`,
      [sessionId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: String(r.id),
      sessionId: r.session_id as string,
      reason: r.reason as string,
      createdAt: r.created_at as Date,
      finishedAt: r.finished_at as Date | null,
      outcome: r.outcome as string | null,
      errorCause: r.error_cause as string | null,
      detail: r.detail as string | null,
      sent: r.sent as CoaRecord['sent'],
    };
  }

  private track(p: Promise<unknown>): void {
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  private async slot(): Promise<() => void> {
    while (this.inFlight >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    this.inFlight++;
    return () => {
      this.inFlight--;
      this.slotWaiters.shift()?.();
    };
  }

  private async claimAndRun(id: string): Promise<void> {
    if (!/^\d+$/.test(id)) return;
    const release = await this.slot();
    try {
      const rows: Record<string, unknown>[] = await this.db.query(
        `WITH c AS (UPDATE coa_requests SET claimed_by = $2, claimed_at = now()
                     WHERE id = $1 AND claimed_by IS NULL RETURNING ${RETURNING}) SELECT * FROM c`,
        [id, this.instance.value],
      );
      if (rows[0]) await this.run(toJob(rows[0]));
    } catch (err) {
      this.log.warn(`CoA ${id}: ${(err as Error).message}`);
    } finally {
      release();
    }
  }

  private async sweep(): Promise<void> {
    await this.retention();
    if (this.inFlight >= MAX_IN_FLIGHT) return; // busy: the rows wait for the next sweep or another instance
    try {
      const rows: Record<string, unknown>[] = await this.db.query(
        `WITH c AS (
           UPDATE coa_requests SET claimed_by = $1, claimed_at = now()
            WHERE id IN (SELECT id FROM coa_requests
                          WHERE finished_at IS NULL
                            AND ((claimed_by IS NULL AND created_at < now() - interval '2 seconds')
                                 OR claimed_at < now() - interval '${ORPHANED_CLAIM}')
                          ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
           RETURNING ${RETURNING}) SELECT * FROM c`,
        [this.instance.value, MAX_IN_FLIGHT],
      );
      for (const r of rows) await this.run(toJob(r));
    } catch (err) {
      this.log.debug(`CoA sweep: ${(err as Error).message}`);
    }
  }

  /** Idempotent, so every instance may run it. */
  private async retention(): Promise<void> {
    if (Date.now() - this.lastRetention < RETENTION_EVERY_MS) return;
    this.lastRetention = Date.now();
    await this.db
      .query(`DELETE FROM coa_requests WHERE finished_at < now() - interval '${KEEP_FINISHED}'`)
      .catch((err: Error) => this.log.debug(`CoA retention: ${err.message}`));
  }

  private async run(job: CoaJob): Promise<void> {
    let result: CoaOutcome;
    try {
      result = await this.changes.apply(job);
    } catch (err) {
      result = { outcome: 'failed', detail: (err as Error).message };
    }
    await this.db.query(
      `UPDATE coa_requests SET finished_at = now(), outcome = $2, error_cause = $3, detail = $4, sent = $5 WHERE id = $1`,
      [job.id, result.outcome, result.errorCause ?? null, result.detail ?? null, result.sent ? JSON.stringify(result.sent) : null],
    );
  }
}

function batches(ids: string[]): string[] {
  const out: string[] = [];
  let cur = '';
  for (const id of ids) {
    if (cur && cur.length + id.length + 1 > MAX_PAYLOAD) {
      out.push(cur);
      cur = '';
    }
    cur = cur ? `${cur},${id}` : id;
  }
  if (cur) out.push(cur);
  return out;
}

function toJob(r: Record<string, unknown>): CoaJob {
  return {
    id: String(r.id),
    sessionId: r.session_id as string,
    changeId: r.change_id as string,
    reason: r.reason as CoaJob['reason'],
    enforce: r.enforce as boolean,
    restriction: (r.restriction as CoaJob['restriction']) ?? null,
  };
}
