import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AAA_EVENTS, SessionLimitReachedEvent } from '../events';
import { Router } from '../routers/router.entity';
import { AccountingPacket } from './radius-request';

// Every field merges monotonically, so a packet applied twice, or packets applied in
// any order, converge to the same row: counters only grow, the earliest start and the
// first stop win, and a late Interim cannot reopen a stopped session.
const UPSERT_SQL = `
  INSERT INTO sessions AS s (router_id, acct_session_id, acct_unique_id, account_id, username, framed_ip,
                             calling_station_id, called_station_id, started_at, last_seen_at, stopped_at,
                             input_octets, output_octets, session_time, terminate_cause)
  VALUES ($1, $2, $3, (SELECT id FROM accounts WHERE lower(username) = lower($4)), $4, $5::inet, $6, $7, $8, $9, $10, $11, $12, $13, $14)
  ON CONFLICT (router_id, acct_session_id) DO UPDATE SET
    acct_unique_id     = COALESCE(s.acct_unique_id, EXCLUDED.acct_unique_id),
    account_id         = COALESCE(s.account_id, EXCLUDED.account_id),
    framed_ip          = COALESCE(EXCLUDED.framed_ip, s.framed_ip),
    calling_station_id = COALESCE(s.calling_station_id, EXCLUDED.calling_station_id),
    called_station_id  = COALESCE(s.called_station_id, EXCLUDED.called_station_id),
    started_at         = LEAST(s.started_at, EXCLUDED.started_at),
    last_seen_at       = GREATEST(s.last_seen_at, EXCLUDED.last_seen_at),
    stopped_at         = COALESCE(s.stopped_at, EXCLUDED.stopped_at),
    input_octets       = GREATEST(s.input_octets, EXCLUDED.input_octets),
    output_octets      = GREATEST(s.output_octets, EXCLUDED.output_octets),
    session_time       = GREATEST(s.session_time, EXCLUDED.session_time),
    terminate_cause    = COALESCE(s.terminate_cause, EXCLUDED.terminate_cause)
  RETURNING id, account_id, started_at, stopped_at, input_octets + output_octets AS total`;

@Injectable()
export class AccountingService {
  private readonly log = new Logger(AccountingService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: EventEmitter2,
  ) {}

  /** Durable before it returns: FreeRADIUS acknowledges the NAS only after this commits. */
  async ingest(router: Router, p: AccountingPacket): Promise<void> {
    if (p.status === 'Accounting-On' || p.status === 'Accounting-Off') return this.closeAllOf(router, p.eventTime);
    if (!p.acctSessionId) {
      this.log.warn(`accounting ${p.status} from ${router.nasIdentifier} without Acct-Session-Id ignored`);
      return;
    }
    const limit = await this.db.transaction((tx) => this.upsert(tx, router, p));
    if (limit) this.events.emit(AAA_EVENTS.sessionLimitReached, limit);
  }

  private async upsert(tx: EntityManager, router: Router, p: AccountingPacket): Promise<SessionLimitReachedEvent | null> {
    // Serialise packets of one session so the usage delta below is counted exactly once.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${router.id}/${p.acctSessionId}`]);
    const [prev] = await tx.query(
      'SELECT input_octets + output_octets AS total FROM sessions WHERE router_id = $1 AND acct_session_id = $2',
      [router.id, p.acctSessionId],
    );
    const startedAt = p.status === 'Start' ? p.eventTime : new Date(p.eventTime.getTime() - p.sessionTime * 1000);
    const [row] = await tx.query(UPSERT_SQL, [
      router.id,
      p.acctSessionId,
      p.acctUniqueId,
      p.username,
      p.framedIp,
      p.callingStationId,
      p.calledStationId,
      startedAt,
      p.eventTime,
      p.status === 'Stop' ? p.eventTime : null,
      p.inputOctets,
      p.outputOctets,
      p.sessionTime,
      p.status === 'Stop' ? (p.terminateCause ?? 'Unknown') : null,
    ]);
    const delta = Number(row.total) - Number(prev?.total ?? 0);
    if (!row.account_id) return null;
    const [acc] = await tx.query(
      `UPDATE accounts SET used_bytes = used_bytes + $2 WHERE id = $1
       RETURNING used_bytes, quota_bytes, expires_at`,
      [row.account_id, Math.max(delta, 0)],
    );
    if (!acc || p.status !== 'Interim-Update' || row.stopped_at) return null;
    return limitReached(row, acc, delta, p.eventTime);
  }

  /** Accounting-On/Off: the NAS rebooted or stopped, so none of its sessions survive. */
  private async closeAllOf(router: Router, at: Date): Promise<void> {
    await this.db.query(
      `UPDATE sessions SET stopped_at = GREATEST(last_seen_at, LEAST($2::timestamptz, now())), terminate_cause = 'NAS-Reboot'
        WHERE router_id = $1 AND stopped_at IS NULL AND started_at <= $2`,
      [router.id, at],
    );
  }
}

/** Crossing the quota now, or still running on a login that expired after it started. */
function limitReached(
  row: { id: string; account_id: string; started_at: Date },
  acc: { used_bytes: string; quota_bytes: string | null; expires_at: Date | null },
  delta: number,
  now: Date,
): SessionLimitReachedEvent | null {
  const used = Number(acc.used_bytes);
  const quota = acc.quota_bytes === null ? null : Number(acc.quota_bytes);
  if (quota !== null && delta > 0 && used - delta < quota && used >= quota) {
    return { sessionId: row.id, accountId: row.account_id, reason: 'quota' };
  }
  const exp = acc.expires_at;
  if (exp && exp.getTime() <= now.getTime() && new Date(row.started_at).getTime() < exp.getTime()) {
    return { sessionId: row.id, accountId: row.account_id, reason: 'expired' };
  }
  return null;
}
