import { MigrationInterface, QueryRunner } from 'typeorm';
import { STORE_REUSED_IDS } from './1764300000002-reused-session-ids';

/**
 * IPv6 for ISPs (issue 15), and one accounting fix.
 *
 * - `ip6_pools`: prefixes handed out in fixed-size pieces (`assign_length` /56, /60 or
 *   /64), for prefix delegation (`Delegated-IPv6-Prefix`) or the customer's link
 *   (`Framed-IPv6-Prefix`). Pools never overlap: an exclusion constraint says so, not
 *   only the API's check, which two concurrent creates could both pass.
 * - `accounts.delegated_prefix` / `framed_ipv6_prefix`, from a pool (`ip6_pool_id`,
 *   `framed_ip6_pool_id`) or given explicitly. No two accounts' prefixes overlap, by
 *   exclusion constraints: the allocator's advisory lock keeps creates from racing, the
 *   constraint has the last word (as uq_accounts_static_ip does for IPv4). A changed
 *   prefix changes the answer, so the account notification treats it like static_ip.
 * - `sessions` and `sessions_history` keep what the NAS reports: Framed-IPv6-Prefix,
 *   Delegated-IPv6-Prefix and Framed-IPv6-Address. History gets GiST indexes on the
 *   addresses, for "who had this address then" over years of it; the hot table gets
 *   none, so accounting writes cost what they did.
 * - `aaa_store_accounting()`: the three IPv6 columns (merged like framed_ip: the newest
 *   value the NAS reported wins), and a Start whose time equals the stop of a stored
 *   session with its id is that session's replay, not a new one (`<=` where migration
 *   1764300000002 had `<`): a session that starts and stops within one second has
 *   started_at = stopped_at, and its replayed Start opened a phantom session. The same
 *   for a session already in history. Otherwise as in migration 1764300000002.
 * - `aaa_archive_sessions()` moves the new columns too.
 */
const SESSION_SLACK = `interval '120 seconds'`;

const COLUMNS = `id, router_id, account_id, username, acct_session_id, acct_unique_id, framed_ip, calling_station_id,
  called_station_id, started_at, last_seen_at, stopped_at, input_octets, output_octets, session_time, terminate_cause`;
const COLUMNS_V6 = `${COLUMNS}, framed_ipv6_prefix, delegated_ipv6_prefix, framed_ipv6_address`;

const OLD_SIGNATURE = `uuid[], text[], text[], text[], text[], inet[], text[], text[], boolean[], timestamptz[],
  timestamptz[], timestamptz[], bigint[], bigint[], int[], text[]`;
const NEW_SIGNATURE = `${OLD_SIGNATURE}, cidr[], cidr[], inet[]`;

const STORE = `
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
    p_terminate_cause text[],
    p_framed_ipv6_prefix cidr[],
    p_delegated_ipv6_prefix cidr[],
    p_framed_ipv6_address inet[])
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
                    p_input_octets, p_output_octets, p_session_time, p_terminate_cause,
                    p_framed_ipv6_prefix, p_delegated_ipv6_prefix, p_framed_ipv6_address)
          WITH ORDINALITY AS t(router_id, acct_session_id, acct_unique_id, username, account_key, framed_ip,
                               calling_station_id, called_station_id, is_start, started_at, last_seen_at, stopped_at,
                               input_octets, output_octets, session_time, terminate_cause,
                               framed_ipv6_prefix, delegated_ipv6_prefix, framed_ipv6_address, ord)
    ), matched AS (
      -- The stored session each packet belongs to, if any (migration 1764300000002, rules
      -- 1-3). A Start at the very second its session stopped is a replay of that Start.
      SELECT i.*, c.id AS match_id, c.total AS prev_total,
             c.id IS NOT NULL AND CASE
               WHEN i.is_start THEN c.near AND (c.stopped_at IS NULL OR i.started_at <= c.stopped_at)
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
        acct_unique_id        = COALESCE(s.acct_unique_id, m.acct_unique_id),
        account_id            = COALESCE(s.account_id, (SELECT a.id FROM accounts a WHERE lower(a.username COLLATE "C") = m.account_key)),
        framed_ip             = COALESCE(m.framed_ip, s.framed_ip),
        framed_ipv6_prefix    = COALESCE(m.framed_ipv6_prefix, s.framed_ipv6_prefix),
        delegated_ipv6_prefix = COALESCE(m.delegated_ipv6_prefix, s.delegated_ipv6_prefix),
        framed_ipv6_address   = COALESCE(m.framed_ipv6_address, s.framed_ipv6_address),
        calling_station_id    = COALESCE(s.calling_station_id, m.calling_station_id),
        called_station_id     = COALESCE(s.called_station_id, m.called_station_id),
        started_at            = LEAST(s.started_at, m.started_at),
        last_seen_at          = GREATEST(s.last_seen_at, m.last_seen_at),
        stopped_at            = COALESCE(s.stopped_at, m.stopped_at),
        input_octets          = GREATEST(s.input_octets, m.input_octets),
        output_octets         = GREATEST(s.output_octets, m.output_octets),
        session_time          = GREATEST(s.session_time, m.session_time),
        terminate_cause       = COALESCE(s.terminate_cause, m.terminate_cause)
        FROM matched m
       WHERE m.joins AND s.id = m.match_id
      RETURNING m.ord, s.id, s.account_id, s.started_at, s.stopped_at, s.input_octets + s.output_octets - m.prev_total AS delta
    ), ins AS (
      INSERT INTO sessions AS s (router_id, acct_session_id, acct_unique_id, account_id, username, framed_ip,
                                 calling_station_id, called_station_id, started_at, last_seen_at, stopped_at,
                                 input_octets, output_octets, session_time, terminate_cause,
                                 framed_ipv6_prefix, delegated_ipv6_prefix, framed_ipv6_address)
      SELECT m.router_id, m.acct_session_id, m.acct_unique_id,
             (SELECT a.id FROM accounts a WHERE lower(a.username COLLATE "C") = m.account_key), m.username, m.framed_ip,
             m.calling_station_id, m.called_station_id, COALESCE(m.started_at, m.last_seen_at), m.last_seen_at, m.stopped_at,
             m.input_octets, m.output_octets, m.session_time, m.terminate_cause,
             m.framed_ipv6_prefix, m.delegated_ipv6_prefix, m.framed_ipv6_address
        FROM matched m
       -- A late packet of a session already moved to history (its session started at or
       -- before that one stopped) is dropped, not stored as a new session. Pruning on
       -- stopped_at keeps the probe to the newest partitions for a session that starts now.
       WHERE NOT m.joins
         AND NOT EXISTS (SELECT 1 FROM sessions_history h
                          WHERE h.router_id = m.router_id AND h.acct_session_id = m.acct_session_id
                            AND h.stopped_at >= COALESCE(m.started_at, m.last_seen_at))
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

/** aaa_archive_sessions() of migration 1764200000000 with the given column list. */
const archive = (columns: string) => `
  CREATE OR REPLACE FUNCTION aaa_archive_sessions(p_before timestamptz, p_limit int) RETURNS int LANGUAGE plpgsql AS $fn$
  DECLARE
    v_ids uuid[];
    v_month timestamptz;
    v_moved int;
  BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('aaa_archive_sessions')) THEN
      RETURN 0;
    END IF;
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
    INSERT INTO sessions_history (${columns}) SELECT ${columns} FROM moved;
    GET DIAGNOSTICS v_moved = ROW_COUNT;
    RETURN v_moved;
  END $fn$`;

/** aaa_notify_account_row() of migration 1764100000000, the answer-changing columns given. */
export const notify = (answerColumns: string) => `
  CREATE OR REPLACE FUNCTION aaa_notify_account_row() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'DELETE'
       OR (${answerColumns.replace(/(\w+)/g, 'OLD.$1')}) IS DISTINCT FROM (${answerColumns.replace(/(\w+)/g, 'NEW.$1')}) THEN
      PERFORM pg_notify('aaa_account_changed', 'a:' || OLD.id::text || ':' || lower(OLD.username COLLATE "C"));
    ELSE
      PERFORM pg_notify('aaa_account_changed', 'a:' || OLD.id::text);
    END IF;
    RETURN NULL;
  END $$`;
export const ANSWER_COLUMNS = `username, password_enc, nt_hash, kind, account_group, status, speed_profile_id, static_ip, expires_at,
  max_sessions, restrictions, quota_bytes`;

export const ANSWER_COLUMNS_V6 = `${ANSWER_COLUMNS}, delegated_prefix, framed_ipv6_prefix`;

export class Ipv61764530000000 implements MigrationInterface {
  name = 'Ipv61764530000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ip6_pools (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CONSTRAINT uq_ip6_pools_name UNIQUE,
        prefix cidr NOT NULL CONSTRAINT ck_ip6_pools_prefix CHECK (family(prefix) = 6),
        assign_length smallint NOT NULL
          CONSTRAINT ck_ip6_pools_assign_length CHECK (assign_length IN (56, 60, 64) AND assign_length > masklen(prefix)),
        purpose text NOT NULL CONSTRAINT ck_ip6_pools_purpose CHECK (purpose IN ('delegated', 'framed')),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ex_ip6_pools_overlap EXCLUDE USING gist (prefix inet_ops WITH &&)
      );
      ALTER TABLE accounts
        ADD COLUMN ip6_pool_id uuid REFERENCES ip6_pools(id) ON DELETE RESTRICT,
        ADD COLUMN delegated_prefix cidr CONSTRAINT ck_accounts_delegated_prefix CHECK (family(delegated_prefix) = 6),
        ADD COLUMN framed_ip6_pool_id uuid REFERENCES ip6_pools(id) ON DELETE RESTRICT,
        ADD COLUMN framed_ipv6_prefix cidr CONSTRAINT ck_accounts_framed_ipv6_prefix CHECK (family(framed_ipv6_prefix) = 6),
        ADD CONSTRAINT ex_accounts_delegated_prefix EXCLUDE USING gist (delegated_prefix inet_ops WITH &&),
        ADD CONSTRAINT ex_accounts_framed_ipv6_prefix EXCLUDE USING gist (framed_ipv6_prefix inet_ops WITH &&);
      ALTER TABLE sessions
        ADD COLUMN framed_ipv6_prefix cidr, ADD COLUMN delegated_ipv6_prefix cidr, ADD COLUMN framed_ipv6_address inet;
      ALTER TABLE sessions_history
        ADD COLUMN framed_ipv6_prefix cidr, ADD COLUMN delegated_ipv6_prefix cidr, ADD COLUMN framed_ipv6_address inet;
      CREATE INDEX ix_sessions_history_framed_ip ON sessions_history USING gist (framed_ip inet_ops);
      CREATE INDEX ix_sessions_history_framed_ipv6_prefix ON sessions_history USING gist (framed_ipv6_prefix inet_ops);
      CREATE INDEX ix_sessions_history_delegated_ipv6_prefix ON sessions_history USING gist (delegated_ipv6_prefix inet_ops);
      CREATE INDEX ix_sessions_history_framed_ipv6_address ON sessions_history USING gist (framed_ipv6_address inet_ops);
      DROP FUNCTION aaa_store_accounting(${OLD_SIGNATURE});
    `);
    await q.query(STORE);
    await q.query(archive(COLUMNS_V6));
    await q.query(notify(ANSWER_COLUMNS_V6));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(notify(ANSWER_COLUMNS));
    await q.query(archive(COLUMNS));
    await q.query(`DROP FUNCTION aaa_store_accounting(${NEW_SIGNATURE})`);
    await q.query(STORE_REUSED_IDS);
    await q.query(`
      DROP INDEX ix_sessions_history_framed_ip, ix_sessions_history_framed_ipv6_prefix, ix_sessions_history_delegated_ipv6_prefix,
                 ix_sessions_history_framed_ipv6_address;
      ALTER TABLE sessions_history DROP COLUMN framed_ipv6_prefix, DROP COLUMN delegated_ipv6_prefix, DROP COLUMN framed_ipv6_address;
      ALTER TABLE sessions DROP COLUMN framed_ipv6_prefix, DROP COLUMN delegated_ipv6_prefix, DROP COLUMN framed_ipv6_address;
      ALTER TABLE accounts DROP COLUMN ip6_pool_id, DROP COLUMN delegated_prefix, DROP COLUMN framed_ip6_pool_id, DROP COLUMN framed_ipv6_prefix;
      DROP TABLE ip6_pools;
    `);
  }
}
