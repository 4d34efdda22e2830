import { MigrationInterface, QueryRunner } from 'typeorm';
import { AccountingBatchLinear1764000000001 } from './1764000000001-accounting-batch-linear';

/**
 * Years of session history without a growing hot table (session-archiver.ts):
 *
 * - `sessions_history` holds closed sessions, partitioned by month of `stopped_at`
 *   (UTC), one partition per month (`sessions_history_pYYYYMM`). Retention drops whole
 *   partitions: no DELETE, no vacuum debt.
 * - `aaa_archive_sessions()` moves sessions closed before a cutoff out of `sessions`,
 *   in batches, creating the months' partitions it needs. It skips any session whose
 *   accounting lock (the one aaa_store_accounting() takes) is held, and accounting
 *   for a session being moved waits for the move, then sees it in history.
 * - `aaa_store_accounting()` (same contract otherwise) drops a late packet of a
 *   session already in history instead of opening it again as a new one, and always
 *   uses its cached generic plans (it used to re-plan on every call).
 * - `ix_sessions_closed` finds the sessions to move. Only a Stop writes it, and a Stop
 *   already updates the open-session indexes, so Interim-Updates stay HOT.
 */
const COLUMNS = `id, router_id, account_id, username, acct_session_id, acct_unique_id, framed_ip, calling_station_id,
  called_station_id, started_at, last_seen_at, stopped_at, input_octets, output_octets, session_time, terminate_cause`;

const UP = `
  CREATE TABLE sessions_history (
    id uuid NOT NULL,
    router_id uuid NOT NULL REFERENCES routers(id) ON DELETE CASCADE,
    account_id uuid REFERENCES accounts(id) ON DELETE SET NULL,
    username text NOT NULL,
    acct_session_id text NOT NULL,
    acct_unique_id text,
    framed_ip inet,
    calling_station_id text,
    called_station_id text,
    started_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    stopped_at timestamptz NOT NULL,
    input_octets bigint NOT NULL,
    output_octets bigint NOT NULL,
    session_time int NOT NULL,
    terminate_cause text,
    PRIMARY KEY (id, stopped_at)
  ) PARTITION BY RANGE (stopped_at);
  CREATE INDEX ix_sessions_history_account_started ON sessions_history (account_id, started_at DESC);
  CREATE INDEX ix_sessions_history_started ON sessions_history (started_at DESC);
  CREATE INDEX ix_sessions_history_router_session ON sessions_history (router_id, acct_session_id, stopped_at);
  CREATE INDEX ix_sessions_closed ON sessions (stopped_at) WHERE stopped_at IS NOT NULL;

  -- The partition for the UTC month holding p_at; a no-op when it exists. Created apart
  -- and then attached: CREATE TABLE ... PARTITION OF would take an ACCESS EXCLUSIVE lock
  -- on sessions_history, queueing every accounting batch (they read it) behind whatever
  -- long admin query holds it; ATTACH needs only SHARE UPDATE EXCLUSIVE.
  CREATE FUNCTION aaa_history_partition(p_at timestamptz) RETURNS text LANGUAGE plpgsql AS $fn$
  DECLARE
    lo timestamp := date_trunc('month', p_at AT TIME ZONE 'UTC');
    name text := 'sessions_history_p' || to_char(lo, 'YYYYMM');
  BEGIN
    IF to_regclass(name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I (LIKE sessions_history INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name);
      EXECUTE format('ALTER TABLE sessions_history ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                     name, lo AT TIME ZONE 'UTC', (lo + interval '1 month') AT TIME ZONE 'UTC');
    END IF;
    RETURN name;
  EXCEPTION WHEN duplicate_table OR unique_violation THEN
    -- Another instance created this month at the same moment.
    RETURN name;
  END $fn$;

  -- Moves up to p_limit sessions closed before p_before into history; returns how many.
  -- One archiver at a time: another one running returns 0 at once.
  CREATE FUNCTION aaa_archive_sessions(p_before timestamptz, p_limit int) RETURNS int LANGUAGE plpgsql AS $fn$
  DECLARE
    v_ids uuid[];
    v_month timestamptz;
    v_moved int;
  BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('aaa_archive_sessions')) THEN
      RETURN 0;
    END IF;
    -- The LIMIT comes first, so at most p_limit accounting locks are tried.
    SELECT array_agg(c.id) INTO v_ids
      FROM (SELECT s.id, s.router_id, s.acct_session_id FROM sessions s
             WHERE s.stopped_at < p_before ORDER BY s.stopped_at LIMIT p_limit
             FOR UPDATE SKIP LOCKED) c
     WHERE pg_try_advisory_xact_lock(hashtext(c.router_id::text || '/' || c.acct_session_id));
    IF v_ids IS NULL THEN
      RETURN 0;
    END IF;
    FOR v_month IN SELECT DISTINCT date_trunc('month', s.stopped_at, 'UTC') FROM sessions s WHERE s.id = ANY (v_ids) LOOP
      PERFORM aaa_history_partition(v_month);
    END LOOP;
    WITH moved AS (DELETE FROM sessions s WHERE s.id = ANY (v_ids) RETURNING s.*)
    INSERT INTO sessions_history (${COLUMNS}) SELECT ${COLUMNS} FROM moved;
    GET DIAGNOSTICS v_moved = ROW_COUNT;
    RETURN v_moved;
  END $fn$;

  -- Drops the partitions whose whole month lies before p_before; returns their names.
  CREATE FUNCTION aaa_drop_history_before(p_before timestamptz) RETURNS SETOF text LANGUAGE plpgsql AS $fn$
  DECLARE
    v_name text;
  BEGIN
    FOR v_name IN
      SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'sessions_history'::regclass AND c.relname ~ '^sessions_history_p[0-9]{6}$'
         AND (to_date(substr(c.relname, 19), 'YYYYMM')::timestamp + interval '1 month') AT TIME ZONE 'UTC' <= p_before
       ORDER BY 1
    LOOP
      EXECUTE format('DROP TABLE %I', v_name);
      RETURN NEXT v_name;
    END LOOP;
  END $fn$;
`;

/** aaa_store_accounting() as this migration leaves it; later migrations' down() restore it. */
export const STORE_ACCOUNTING = `
  CREATE OR REPLACE FUNCTION aaa_store_accounting(
    p_router_id uuid[],
    p_acct_session_id text[],
    p_acct_unique_id text[],
    p_username text[],
    p_framed_ip inet[],
    p_calling_station_id text[],
    p_called_station_id text[],
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
  -- Cached generic plans, with sequential scans ruled out: a plan cached while sessions
  -- was nearly empty must not keep scanning it once it holds millions of rows. Every
  -- lookup here has its index, and history partitions are pruned at run time. Forced:
  -- left to choose, PostgreSQL kept planning every call afresh (~1.2 ms a batch,
  -- measured, against ~0.6 ms of execution for one packet).
  SET enable_seqscan = off
  SET plan_cache_mode = force_generic_plan
  AS $fn$
  #variable_conflict use_column
  BEGIN
    PERFORM pg_advisory_xact_lock(x.h)
       FROM (SELECT DISTINCT hashtext(k.r::text || '/' || k.s) AS h
               FROM unnest(p_router_id, p_acct_session_id) AS k(r, s) ORDER BY 1) x;
    PERFORM 1 FROM (SELECT a.id FROM accounts a
                     WHERE lower(a.username) = ANY (SELECT lower(u) FROM unnest(p_username) u)
                     ORDER BY a.id FOR NO KEY UPDATE) y;
    RETURN QUERY
    WITH input AS (
      -- Each packet with its session's counters before this statement (all CTEs share
      -- one snapshot), for the usage delta. One indexed probe per packet.
      SELECT t.*, s.input_octets + s.output_octets AS prev_total, s.id IS NOT NULL AS known
        FROM unnest(p_router_id, p_acct_session_id, p_acct_unique_id, p_username, p_framed_ip, p_calling_station_id, p_called_station_id,
                    p_started_at, p_last_seen_at, p_stopped_at, p_input_octets, p_output_octets,
                    p_session_time, p_terminate_cause)
          WITH ORDINALITY AS t(router_id, acct_session_id, acct_unique_id, username, framed_ip, calling_station_id,
                               called_station_id, started_at, last_seen_at, stopped_at, input_octets, output_octets,
                               session_time, terminate_cause, ord)
        LEFT JOIN sessions s ON s.router_id = t.router_id AND s.acct_session_id = t.acct_session_id
    ), up AS (
      INSERT INTO sessions AS s (router_id, acct_session_id, acct_unique_id, account_id, username, framed_ip,
                                 calling_station_id, called_station_id, started_at, last_seen_at, stopped_at,
                                 input_octets, output_octets, session_time, terminate_cause)
      SELECT i.router_id, i.acct_session_id, i.acct_unique_id,
             (SELECT a.id FROM accounts a WHERE lower(a.username) = lower(i.username)), i.username, i.framed_ip,
             i.calling_station_id, i.called_station_id, i.started_at, i.last_seen_at, i.stopped_at,
             i.input_octets, i.output_octets, i.session_time, i.terminate_cause
        FROM input i
       -- A late packet of a session already moved to history (it started before that
       -- one stopped) is dropped, not stored as a new session. Asked only for packets
       -- of sessions not in the hot table; pruning on stopped_at keeps it to the newest
       -- partitions for a session that starts now.
       WHERE CASE WHEN i.known THEN true
                  ELSE NOT EXISTS (SELECT 1 FROM sessions_history h
                                    WHERE h.router_id = i.router_id AND h.acct_session_id = i.acct_session_id
                                      AND h.stopped_at >= i.started_at) END
       ORDER BY i.ord
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
      RETURNING s.id, s.router_id, s.acct_session_id, s.account_id, s.started_at, s.stopped_at,
                s.input_octets + s.output_octets AS total
    ), d AS (
      SELECT i.ord, up.id, up.account_id, up.started_at, up.stopped_at, up.total - COALESCE(i.prev_total, 0) AS delta
        FROM up JOIN input i ON i.router_id = up.router_id AND i.acct_session_id = up.acct_session_id
    ), acc AS (
      UPDATE accounts a SET used_bytes = a.used_bytes + x.delta
        FROM (SELECT account_id, sum(GREATEST(delta, 0)) AS delta FROM d WHERE account_id IS NOT NULL GROUP BY account_id) x
       WHERE a.id = x.account_id
      RETURNING a.id, a.used_bytes, a.quota_bytes, a.expires_at
    )
    SELECT d.ord, d.id, d.account_id, d.started_at, d.stopped_at, d.delta,
           acc.id AS acc_id, acc.used_bytes, acc.quota_bytes, acc.expires_at
      FROM d LEFT JOIN acc ON acc.id = d.account_id ORDER BY d.ord;
  END
  $fn$`;

export class SessionsHistory1764200000000 implements MigrationInterface {
  name = 'SessionsHistory1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(UP);
    await q.query(STORE_ACCOUNTING);
  }

  async down(q: QueryRunner): Promise<void> {
    await new AccountingBatchLinear1764000000001().up(q);
    // History goes back into the one table; only a session whose Acct-Session-Id the
    // router reused later (both rows cannot be unique there) stays behind and is dropped.
    await q.query(`
      INSERT INTO sessions (${COLUMNS}) SELECT ${COLUMNS} FROM sessions_history
      ON CONFLICT (router_id, acct_session_id) DO NOTHING`);
    await q.query(`
      DROP FUNCTION aaa_drop_history_before(timestamptz);
      DROP FUNCTION aaa_archive_sessions(timestamptz, int);
      DROP FUNCTION aaa_history_partition(timestamptz);
      DROP TABLE sessions_history;
      DROP INDEX ix_sessions_closed;`);
  }
}
