import { MigrationInterface, QueryRunner } from 'typeorm';
import { STORE_ACCOUNTING } from './1764200000000-sessions-history';

/**
 * A router that reuses an Acct-Session-Id (they do after a reboot) gets a new session
 * instead of having its packets merged into the old, stopped one; and accounting
 * counts against the account canonicalUsername() names (migration 1764300000000).
 *
 * A session is no longer unique on (router, Acct-Session-Id): that key only finds the
 * candidates (index ix_sessions_router_acct_session), and the time a packet says its
 * session started tells them apart. Acct-Unique-Session-Id cannot: FreeRADIUS's
 * acct_unique hashes User-Name, Acct-Session-Id and the NAS's address and port, all
 * the same for a reused id. The start of a packet's session is its own time for a
 * Start, and its time minus Acct-Session-Time otherwise (unknown without one).
 *
 * Which stored session a packet belongs to, among those with its router and id:
 * 1. the one whose start is within SESSION_SLACK of the packet's (the nearest; a
 *    tie goes to an open one, then the newest); else the newest open one; else the
 *    newest one. The slack (2 minutes) absorbs whole-second timestamps, a NAS counting
 *    session time from a slightly different moment, and retransmissions; a reused id
 *    is told apart by its session's start, and a session that started minutes before
 *    the router rebooted and reused its id is far outside it.
 * 2. A Start opens a new session unless a session it is a copy of started within the
 *    slack and had not stopped by then: so a Start after its session's Stop (a spool
 *    replay) joins it, while a Start for a stopped session's id at or after that Stop,
 *    or for an open session that started minutes earlier (a router that rebooted
 *    without Accounting-On), is a new one.
 * 3. An Interim or Stop joins the session found, unless that one is stopped and the
 *    packet's session started after it stopped: then it is a new session whose Start
 *    was lost (or is late). A late Interim or Stop of the old session still lands on
 *    it, whatever came since.
 * Where the times cannot tell (a session reused within the same second it stopped,
 * packets without Acct-Session-Time), packets join the existing session as before.
 *
 * Everything else is as in migration 1764200000000: one call per batch, advisory locks
 * per session key (which now also guard the choice between update and insert, as the
 * unique index did), monotonic merges, usage deltas, cached generic plans. Account usage
 * saturates at the bigint maximum instead of failing the batch.
 */
const SESSION_SLACK = `interval '120 seconds'`;

export const STORE_REUSED_IDS = `
  CREATE FUNCTION aaa_store_accounting(
    p_router_id uuid[],
    p_acct_session_id text[],
    p_acct_unique_id text[],
    p_username text[],
    p_account_key text[],
    p_framed_ip inet[],
    p_calling_station_id text[],
    p_called_station_id text[],
    p_is_start boolean[],
    p_started_at timestamptz[],
    p_last_seen_at timestamptz[],
    p_stopped_at timestamptz[],
    p_input_octets bigint[],
    p_output_octets bigint[],
    p_session_time int[],
    p_terminate_cause text[])
  RETURNS TABLE (ord bigint, id uuid, account_id uuid, started_at timestamptz, stopped_at timestamptz, delta bigint,
                 acc_id uuid, used_bytes bigint, quota_bytes bigint, expires_at timestamptz)
  LANGUAGE plpgsql VOLATILE
  SET enable_seqscan = off
  SET plan_cache_mode = force_generic_plan
  AS $fn$
  #variable_conflict use_column
  BEGIN
    PERFORM pg_advisory_xact_lock(x.h)
       FROM (SELECT DISTINCT hashtext(k.r::text || '/' || k.s) AS h
               FROM unnest(p_router_id, p_acct_session_id) AS k(r, s) ORDER BY 1) x;
    PERFORM 1 FROM (SELECT a.id FROM accounts a
                     WHERE lower(a.username COLLATE "C") = ANY (p_account_key)
                     ORDER BY a.id FOR NO KEY UPDATE) y;
    RETURN QUERY
    WITH input AS (
      SELECT t.*
        FROM unnest(p_router_id, p_acct_session_id, p_acct_unique_id, p_username, p_account_key, p_framed_ip,
                    p_calling_station_id, p_called_station_id, p_is_start, p_started_at, p_last_seen_at, p_stopped_at,
                    p_input_octets, p_output_octets, p_session_time, p_terminate_cause)
          WITH ORDINALITY AS t(router_id, acct_session_id, acct_unique_id, username, account_key, framed_ip,
                               calling_station_id, called_station_id, is_start, started_at, last_seen_at, stopped_at,
                               input_octets, output_octets, session_time, terminate_cause, ord)
    ), matched AS (
      -- The stored session each packet belongs to, if any (rules 1-3 above). All CTEs
      -- share one snapshot, so prev_total is the session's counters before this batch.
      SELECT i.*, c.id AS match_id, c.total AS prev_total,
             c.id IS NOT NULL AND CASE
               WHEN i.is_start THEN c.near AND (c.stopped_at IS NULL OR i.started_at < c.stopped_at)
               ELSE c.stopped_at IS NULL OR i.started_at IS NULL OR i.started_at <= c.stopped_at
             END AS joins
        FROM input i
        LEFT JOIN LATERAL (
          SELECT s.id, s.input_octets + s.output_octets AS total, s.stopped_at,
                 COALESCE(s.started_at BETWEEN i.started_at - ${SESSION_SLACK} AND i.started_at + ${SESSION_SLACK}, false) AS near
            FROM sessions s
           WHERE s.router_id = i.router_id AND s.acct_session_id = i.acct_session_id
           ORDER BY 4 DESC, CASE WHEN COALESCE(s.started_at BETWEEN i.started_at - ${SESSION_SLACK} AND i.started_at + ${SESSION_SLACK}, false)
                                 THEN abs(extract(epoch FROM s.started_at - i.started_at)) END,
                    s.stopped_at IS NULL DESC, s.started_at DESC
           LIMIT 1
        ) c ON true
    ), upd AS (
      UPDATE sessions s SET
        acct_unique_id     = COALESCE(s.acct_unique_id, m.acct_unique_id),
        account_id         = COALESCE(s.account_id, (SELECT a.id FROM accounts a WHERE lower(a.username COLLATE "C") = m.account_key)),
        framed_ip          = COALESCE(m.framed_ip, s.framed_ip),
        calling_station_id = COALESCE(s.calling_station_id, m.calling_station_id),
        called_station_id  = COALESCE(s.called_station_id, m.called_station_id),
        started_at         = LEAST(s.started_at, m.started_at),
        last_seen_at       = GREATEST(s.last_seen_at, m.last_seen_at),
        stopped_at         = COALESCE(s.stopped_at, m.stopped_at),
        input_octets       = GREATEST(s.input_octets, m.input_octets),
        output_octets      = GREATEST(s.output_octets, m.output_octets),
        session_time       = GREATEST(s.session_time, m.session_time),
        terminate_cause    = COALESCE(s.terminate_cause, m.terminate_cause)
        FROM matched m
       WHERE m.joins AND s.id = m.match_id
      RETURNING m.ord, s.id, s.account_id, s.started_at, s.stopped_at, s.input_octets + s.output_octets - m.prev_total AS delta
    ), ins AS (
      INSERT INTO sessions AS s (router_id, acct_session_id, acct_unique_id, account_id, username, framed_ip,
                                 calling_station_id, called_station_id, started_at, last_seen_at, stopped_at,
                                 input_octets, output_octets, session_time, terminate_cause)
      SELECT m.router_id, m.acct_session_id, m.acct_unique_id,
             (SELECT a.id FROM accounts a WHERE lower(a.username COLLATE "C") = m.account_key), m.username, m.framed_ip,
             m.calling_station_id, m.called_station_id, COALESCE(m.started_at, m.last_seen_at), m.last_seen_at, m.stopped_at,
             m.input_octets, m.output_octets, m.session_time, m.terminate_cause
        FROM matched m
       -- A late packet of a session already moved to history (its session started
       -- before that one stopped) is dropped, not stored as a new session. Pruning on
       -- stopped_at keeps the probe to the newest partitions for a session that starts now.
       WHERE NOT m.joins
         AND NOT EXISTS (SELECT 1 FROM sessions_history h
                          WHERE h.router_id = m.router_id AND h.acct_session_id = m.acct_session_id
                            AND h.stopped_at >= COALESCE(m.started_at, m.last_seen_at)
                            AND (NOT m.is_start OR h.stopped_at > m.started_at))
       ORDER BY m.ord
      RETURNING s.id, s.router_id, s.acct_session_id, s.account_id, s.started_at, s.stopped_at,
                s.input_octets + s.output_octets AS total
    ), d AS (
      SELECT u.ord, u.id, u.account_id, u.started_at, u.stopped_at, u.delta FROM upd u
      UNION ALL
      -- One packet per session key in a batch (accounting.service.ts), so the key finds its packet.
      SELECT m.ord, n.id, n.account_id, n.started_at, n.stopped_at, n.total
        FROM ins n JOIN matched m ON m.router_id = n.router_id AND m.acct_session_id = n.acct_session_id AND NOT m.joins
    ), acc AS (
      UPDATE accounts a SET used_bytes = LEAST(a.used_bytes + x.delta, 9223372036854775807)
        FROM (SELECT account_id, sum(GREATEST(delta, 0)) AS delta FROM d WHERE account_id IS NOT NULL GROUP BY account_id) x
       WHERE a.id = x.account_id
      RETURNING a.id, a.used_bytes, a.quota_bytes, a.expires_at
    )
    SELECT d.ord, d.id, d.account_id, d.started_at, d.stopped_at, d.delta,
           acc.id AS acc_id, acc.used_bytes, acc.quota_bytes, acc.expires_at
      FROM d LEFT JOIN acc ON acc.id = d.account_id ORDER BY d.ord;
  END
  $fn$`;

const COLUMNS = `id, router_id, account_id, username, acct_session_id, acct_unique_id, framed_ip, calling_station_id,
  called_station_id, started_at, last_seen_at, stopped_at, input_octets, output_octets, session_time, terminate_cause`;

export class ReusedSessionIds1764300000002 implements MigrationInterface {
  name = 'ReusedSessionIds1764300000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX ix_sessions_router_acct_session ON sessions (router_id, acct_session_id);
      ALTER TABLE sessions DROP CONSTRAINT uq_sessions_router_acct_session;
      DROP FUNCTION aaa_store_accounting(uuid[], text[], text[], text[], inet[], text[], text[], timestamptz[], timestamptz[],
                                         timestamptz[], bigint[], bigint[], int[], text[]);
    `);
    await q.query(STORE_REUSED_IDS);
  }

  /**
   * Back to one row per (router, Acct-Session-Id): the newest stays, older ones (closed
   * at their last packet if still open) move into history, which allows repeats.
   */
  async down(q: QueryRunner): Promise<void> {
    const older = `EXISTS (SELECT 1 FROM sessions n WHERE n.router_id = s.router_id AND n.acct_session_id = s.acct_session_id
                             AND (n.started_at, n.id) > (s.started_at, s.id))`;
    await q.query(`
      UPDATE sessions s SET stopped_at = s.last_seen_at, terminate_cause = COALESCE(s.terminate_cause, 'Session-Replaced')
       WHERE s.stopped_at IS NULL AND ${older};
      SELECT aaa_history_partition(m) FROM (SELECT DISTINCT date_trunc('month', s.stopped_at, 'UTC') AS m FROM sessions s WHERE ${older}) x;
      WITH moved AS (DELETE FROM sessions s WHERE ${older} RETURNING s.*)
      INSERT INTO sessions_history (${COLUMNS}) SELECT ${COLUMNS} FROM moved;
      ALTER TABLE sessions ADD CONSTRAINT uq_sessions_router_acct_session UNIQUE (router_id, acct_session_id);
      DROP INDEX ix_sessions_router_acct_session;
      DROP FUNCTION aaa_store_accounting(uuid[], text[], text[], text[], text[], inet[], text[], text[], boolean[], timestamptz[],
                                         timestamptz[], timestamptz[], bigint[], bigint[], int[], text[]);
    `);
    await q.query(STORE_ACCOUNTING);
  }
}
