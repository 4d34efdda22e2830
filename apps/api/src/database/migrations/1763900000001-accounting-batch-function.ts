import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounting packets stored in batches by one function call: one statement, one round
 * trip, its own transaction (committed before the call returns). Inside, each
 * statement of a VOLATILE function takes a fresh snapshot, so the counters read after
 * the locks are the latest committed ones:
 * 1. advisory locks on every (router, Acct-Session-Id) of the batch, in hash order,
 *    serialise packets of one session across batches and API instances, so each usage
 *    delta is counted once; sorted, two batches never wait on each other in a cycle;
 * 2. the accounts the batch will charge are row-locked in id order, for the same reason;
 * 3. one multi-row upsert with monotonic merges (see AccountingService), the usage
 *    deltas, and the accounts' usage update; one row back per packet, in batch order.
 */
export class AccountingBatchFunction1763900000001 implements MigrationInterface {
  name = 'AccountingBatchFunction1763900000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
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
  -- Plan with the current statistics on every call: a cached generic plan made while
  -- sessions was small would keep seq-scanning it (one plan per batch, not per packet).
  SET plan_cache_mode = force_custom_plan
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
      SELECT * FROM unnest(p_router_id, p_acct_session_id, p_acct_unique_id, p_username, p_framed_ip, p_calling_station_id, p_called_station_id,
                           p_started_at, p_last_seen_at, p_stopped_at, p_input_octets, p_output_octets,
                           p_session_time, p_terminate_cause)
        WITH ORDINALITY AS t(router_id, acct_session_id, acct_unique_id, username, framed_ip, calling_station_id,
                             called_station_id, started_at, last_seen_at, stopped_at, input_octets, output_octets,
                             session_time, terminate_cause, ord)
    ), prev AS (
      SELECT i.ord, s.input_octets + s.output_octets AS total
        FROM input i JOIN sessions s ON s.router_id = i.router_id AND s.acct_session_id = i.acct_session_id
    ), up AS (
      INSERT INTO sessions AS s (router_id, acct_session_id, acct_unique_id, account_id, username, framed_ip,
                                 calling_station_id, called_station_id, started_at, last_seen_at, stopped_at,
                                 input_octets, output_octets, session_time, terminate_cause)
      SELECT i.router_id, i.acct_session_id, i.acct_unique_id,
             (SELECT a.id FROM accounts a WHERE lower(a.username) = lower(i.username)), i.username, i.framed_ip,
             i.calling_station_id, i.called_station_id, i.started_at, i.last_seen_at, i.stopped_at,
             i.input_octets, i.output_octets, i.session_time, i.terminate_cause
        FROM input i ORDER BY i.ord
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
      SELECT i.ord, up.id, up.account_id, up.started_at, up.stopped_at, up.total - COALESCE(prev.total, 0) AS delta
        FROM up JOIN input i ON i.router_id = up.router_id AND i.acct_session_id = up.acct_session_id
        LEFT JOIN prev ON prev.ord = i.ord
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
  $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP FUNCTION IF EXISTS aaa_store_accounting(uuid[], text[], text[], text[], inet[], text[], text[], timestamptz[], timestamptz[], timestamptz[], bigint[], bigint[], int[], text[])`,
    );
  }
}
