import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-period usage of accounts on a plan (issue 14), counted from accounting exactly,
 * without touching aaa_store_accounting(): statement-level triggers on `sessions` see
 * every row that function inserts or updates (transition tables, one call per batch)
 * and book each session's growth into `account_usage`:
 *
 * - bytes: (input + output) now minus before, never negative, which is exactly the
 *   delta the function adds to `accounts.used_bytes`; seconds: the growth of
 *   Acct-Session-Time;
 * - the split rule: a packet's growth belongs to the period holding the packet's time
 *   (`last_seen_at`: its Event-Timestamp, else its arrival). A session that spans a
 *   reset has the bytes reported before the reset in the old period and those reported
 *   after it in the new one;
 * - periods come from aaa_plan_period(), the same arithmetic as libs/aaa/src/plans/period.ts;
 *   each row keeps its own bounds, so history reads right after a plan changes;
 * - a booking NOTIFYs `a:<account>`, so cached accounts (account-cache.ts) drop the old
 *   counters; the first session of an account on a plan stamps `first_login_at`.
 *
 * Cost on the hot path: the batch's rows captured once per statement, and when plans
 * exist a join of the batch with accounts (one index probe per row); rows of accounts on
 * a plan are then booked: about 5 µs per accounting row in all when plans exist, about
 * 25 µs per row of an account on a plan (a batch of 256 Interim-Updates: +1.2 ms and
 * +6 to 8 ms on 17 to 18 ms; no measurable cost without plans).
 */
/** The first session of an account on a plan: validity from first login starts here. */
export const STARTED = `
    UPDATE accounts a SET first_login_at = f.at
      FROM (SELECT n.account_id, min(n.started_at) AS at FROM new_rows n WHERE n.account_id IS NOT NULL GROUP BY 1) f
     WHERE a.id = f.account_id AND a.first_login_at IS NULL AND a.plan_id IS NOT NULL;`;

/** Each row's growth: a new session's counters count whole. */
export const INSERTED = `
    WITH growth AS (
      SELECT n.account_id, n.last_seen_at AS at, n.input_octets + n.output_octets AS bytes, n.session_time::bigint AS secs
        FROM new_rows n WHERE n.account_id IS NOT NULL`;

/**
 * An updated session's growth. The function merges counters with GREATEST, so growth
 * is never negative; the guard keeps any other writer from booking a decrease.
 */
export const UPDATED = `
    WITH growth AS (
      SELECT n.account_id, n.last_seen_at AS at,
             GREATEST(n.input_octets + n.output_octets - o.input_octets - o.output_octets, 0) AS bytes,
             GREATEST(n.session_time - o.session_time, 0)::bigint AS secs
        FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE n.account_id IS NOT NULL
         AND (n.input_octets + n.output_octets > o.input_octets + o.output_octets OR n.session_time > o.session_time)`;

/**
 * The bookings that went over the plan's data limit: the period's bytes before this statement
 * (now minus this statement's growth of the account) were under it. Runs inside `book()`'s
 * WITH, so `booked` and `growth` are its CTEs.
 */
const CROSSED = `, crossed AS (
      SELECT b.account_id, b.period_start
        FROM booked b
        JOIN accounts a ON a.id = b.account_id
        JOIN plans pl ON pl.id = a.plan_id
        JOIN (SELECT account_id, sum(bytes) AS bytes FROM growth GROUP BY 1) g ON g.account_id = b.account_id
       WHERE pl.data_bytes IS NOT NULL AND b.bytes >= pl.data_bytes AND b.bytes - g.bytes < pl.data_bytes
    ), crossed_notified AS ( -- referenced below: an unreferenced CTE would never run
      SELECT count(pg_notify('aaa_plan_limit', c.account_id::text || ' ' || extract(epoch FROM c.period_start)::bigint::text)) AS n
        FROM crossed c
    )`;

const BIGINT_MAX = '9223372036854775807';

/**
 * A trigger function booking `growth` (a CTE the caller opens) into account_usage. With
 * `crossing` (migration 1764540000000), a booking that takes a period's bytes over the plan's
 * data limit also NOTIFYs `aaa_plan_limit` with the account and the period's start.
 */
export function book(name: string, before: string, growth: string, crossing = false, create = 'CREATE'): string {
  return `
  ${create} FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
  DECLARE
    v_booked bigint;
  BEGIN
    -- Without any plan there is nothing to book: only the batch's rows were captured.
    IF NOT EXISTS (SELECT 1 FROM plans) THEN
      RETURN NULL;
    END IF;
    ${before}
    ${growth}
    ), booked AS (
      INSERT INTO account_usage AS u (account_id, period_start, period_end, bytes, seconds)
      SELECT g.account_id, p.period_start, p.period_end, LEAST(sum(g.bytes), ${BIGINT_MAX}), LEAST(sum(g.secs), ${BIGINT_MAX})
        FROM growth g
        JOIN accounts a ON a.id = g.account_id
        JOIN plans pl ON pl.id = a.plan_id
        CROSS JOIN LATERAL aaa_plan_period(pl.period, pl.timezone,
          CASE WHEN pl.valid_from = 'first_login' THEN COALESCE(a.first_login_at, a.created_at) ELSE a.created_at END, g.at) p
       WHERE g.bytes > 0 OR g.secs > 0
       GROUP BY 1, 2, 3
      ON CONFLICT (account_id, period_start) DO UPDATE
        SET period_end = EXCLUDED.period_end,
            bytes = LEAST(u.bytes::numeric + EXCLUDED.bytes, ${BIGINT_MAX}),
            seconds = LEAST(u.seconds::numeric + EXCLUDED.seconds, ${BIGINT_MAX})
      RETURNING u.account_id${crossing ? ', u.period_start, u.bytes' : ''}
    )${crossing ? CROSSED : ''}
    SELECT count(pg_notify('aaa_account_changed', 'a:' || x.account_id::text))${crossing ? ' + (SELECT n FROM crossed_notified)' : ''}
      INTO v_booked FROM (SELECT DISTINCT account_id FROM booked) x;
    RETURN NULL;
  END $fn$;`;
}

/**
 * Migration 1764100000000's account-row notification, with plan_id and first_login_at
 * among the columns whose change evicts FreeRADIUS's cached answers by username.
 */
function notifyAccountRow(withPlan: boolean): string {
  const cols = (r: string) =>
    `${r}.username, ${r}.password_enc, ${r}.nt_hash, ${r}.kind, ${r}.account_group, ${r}.status, ` +
    `${r}.speed_profile_id, ${r}.static_ip, ${r}.expires_at, ${r}.max_sessions, ${r}.restrictions, ${r}.quota_bytes` +
    (withPlan ? `, ${r}.plan_id, ${r}.first_login_at` : '');
  return `
  CREATE OR REPLACE FUNCTION aaa_notify_account_row() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'DELETE' OR (${cols('OLD')}) IS DISTINCT FROM (${cols('NEW')}) THEN
      PERFORM pg_notify('aaa_account_changed', 'a:' || OLD.id::text || ':' || lower(OLD.username COLLATE "C"));
    ELSE
      PERFORM pg_notify('aaa_account_changed', 'a:' || OLD.id::text);
    END IF;
    RETURN NULL;
  END $$;`;
}

const UP = `
  CREATE TABLE account_usage (
    account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    period_start timestamptz NOT NULL,
    period_end timestamptz NOT NULL,
    bytes bigint NOT NULL DEFAULT 0,
    seconds bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, period_start)
  );

  -- The period holding p_at (see libs/aaa/src/plans/period.ts). Periods start at local
  -- midnight in p_tz; anniversary on p_anchor's day of month, or the month's last day.
  CREATE FUNCTION aaa_plan_period(p_period text, p_tz text, p_anchor timestamptz, p_at timestamptz,
                                  OUT period_start timestamptz, OUT period_end timestamptz)
  LANGUAGE plpgsql STABLE AS $fn$
  DECLARE
    l date := (p_at AT TIME ZONE p_tz)::date;
    m date := date_trunc('month', l)::date;
    d int;
    s date;
    e date;
  BEGIN
    IF p_period = 'daily' THEN
      s := l; e := l + 1;
    ELSIF p_period = 'weekly' THEN
      s := l - (extract(isodow FROM l)::int - 1); e := s + 7;
    ELSIF p_period = 'monthly' THEN
      s := m; e := (m + interval '1 month')::date;
    ELSIF p_period = 'anniversary' THEN
      d := extract(day FROM p_anchor AT TIME ZONE p_tz)::int;
      s := m + LEAST(d, extract(day FROM m + interval '1 month' - interval '1 day')::int) - 1;
      IF s > l THEN
        m := (m - interval '1 month')::date;
        s := m + LEAST(d, extract(day FROM m + interval '1 month' - interval '1 day')::int) - 1;
      END IF;
      m := (m + interval '1 month')::date;
      e := m + LEAST(d, extract(day FROM m + interval '1 month' - interval '1 day')::int) - 1;
    ELSE
      period_start := '1970-01-01 00:00:00+00';
      period_end := '9999-12-31 00:00:00+00';
      RETURN;
    END IF;
    period_start := s::timestamp AT TIME ZONE p_tz;
    period_end := e::timestamp AT TIME ZONE p_tz;
  END $fn$;

  ${book('aaa_book_plan_usage_insert', STARTED, INSERTED)}
  ${book('aaa_book_plan_usage_update', '', UPDATED)}

  CREATE TRIGGER trg_sessions_book_usage_insert AFTER INSERT ON sessions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION aaa_book_plan_usage_insert();
  CREATE TRIGGER trg_sessions_book_usage_update AFTER UPDATE ON sessions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION aaa_book_plan_usage_update();

  -- Cached accounts follow their plan, as they follow speed profiles.
  CREATE TRIGGER trg_plans_changed AFTER UPDATE OR DELETE ON plans
    FOR EACH STATEMENT EXECUTE FUNCTION aaa_notify_all_accounts();

  ${notifyAccountRow(true)}
`;

const DOWN = `
  ${notifyAccountRow(false)}
  DROP TRIGGER trg_plans_changed ON plans;
  DROP TRIGGER trg_sessions_book_usage_update ON sessions;
  DROP TRIGGER trg_sessions_book_usage_insert ON sessions;
  DROP FUNCTION aaa_book_plan_usage_update();
  DROP FUNCTION aaa_book_plan_usage_insert();
  DROP FUNCTION aaa_plan_period(text, text, timestamptz, timestamptz);
  DROP TABLE account_usage;
`;

export class PlanUsage1764500000001 implements MigrationInterface {
  name = 'PlanUsage1764500000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(UP);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(DOWN);
  }
}
