/**
 * A voucher's state, decided by PostgreSQL for a whole batch at once (counts, CSV). `$1`
 * is the batch, `$2` the time to judge it at (the injectable clock). The order matters:
 * a revoked voucher is revoked whatever else is true; a voucher online now is active
 * even if it will be cut at its expiry; limits count only for plans without a period
 * (a periodic plan's voucher is never "used up" for good, it waits for the next period).
 */
export const VOUCHER_STATES = ['unused', 'active', 'started', 'usedUp', 'expired', 'revoked'] as const;
export type VoucherState = (typeof VOUCHER_STATES)[number];

export const VOUCHER_ROWS_SQL = `
  SELECT a.id, a.username AS code, a.expires_at, a.first_login_at, a.created_at,
         CASE
           WHEN a.status <> 'active' THEN 'revoked'
           WHEN u.open THEN 'active'
           WHEN a.expires_at <= $2
             OR (p.validity_seconds IS NOT NULL
                 AND (CASE p.valid_from WHEN 'first_login' THEN a.first_login_at ELSE a.created_at END)
                     + p.validity_seconds * interval '1 second' <= $2) THEN 'expired'
           WHEN p.period = 'none' AND COALESCE(a.quota_bytes, p.data_bytes) IS NOT NULL
                AND a.used_bytes >= COALESCE(a.quota_bytes, p.data_bytes) THEN 'usedUp'
           WHEN p.period = 'none' AND p.time_seconds IS NOT NULL AND u.seconds >= p.time_seconds THEN 'usedUp'
           WHEN a.first_login_at IS NULL AND u.sessions = 0 THEN 'unused'
           ELSE 'started'
         END AS state
    FROM accounts a
    JOIN voucher_batches b ON b.id = a.voucher_batch_id
    JOIN plans p ON p.id = b.plan_id
    CROSS JOIN LATERAL (
      SELECT count(*) AS sessions, COALESCE(sum(s.session_time), 0) AS seconds, bool_or(s.stopped_at IS NULL) IS TRUE AS open
        FROM (SELECT session_time, stopped_at FROM sessions WHERE account_id = a.id
              UNION ALL SELECT session_time, stopped_at FROM sessions_history WHERE account_id = a.id) s
    ) u
   WHERE a.voucher_batch_id = $1`;

export const VOUCHER_COUNTS_SQL = `SELECT state, count(*)::int AS n FROM (${VOUCHER_ROWS_SQL}) v GROUP BY state`;
