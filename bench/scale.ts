import { Client } from 'pg';
import { LOOKUP_SQL } from '../libs/aaa/src/radius/account-row';

export interface ScaleSeed {
  accounts: number;
  openSessions: number;
  /** In `sessions` and `sessions_history` together. */
  closedSessions: number;
  historyMonths: number;
  seconds: number;
}

/**
 * Fills the database up to `accounts` accounts plus open and closed sessions, in SQL.
 * The filler accounts copy the sealed password of an API-created one, so they are as
 * real as the others for every read the hot path does.
 */
export async function seedScale(
  db: Client,
  routerId: string,
  want: { accounts: number; openSessions: number; closedSessions: number },
  log: (m: string) => void,
): Promise<ScaleSeed> {
  const t0 = Date.now();
  const { rows } = await db.query('SELECT count(*)::int AS n FROM accounts');
  const missing = Math.max(0, want.accounts - rows[0].n);
  log(`seeding ${missing} accounts, ${want.openSessions} open and ${want.closedSessions} closed sessions`);
  await db.query(
    `INSERT INTO accounts (customer_id, username, password_enc, nt_hash, kind)
     SELECT t.customer_id, 'fill' || lpad(g::text, 7, '0'), t.password_enc, t.nt_hash, 'hotspot'
       FROM generate_series(1, $1::int) g, (SELECT customer_id, password_enc, nt_hash FROM accounts LIMIT 1) t`,
    [missing],
  );
  // Open sessions on filler accounts (the bench users' own sessions stay theirs).
  await db.query(
    `INSERT INTO sessions (router_id, account_id, username, acct_session_id, calling_station_id, started_at, last_seen_at)
     SELECT $1, a.id, a.username, 'fill-open-' || a.username, 'AA:BB:CC:00:00:01', now() - interval '1 hour', now()
       FROM accounts a WHERE a.username LIKE 'fill%' ORDER BY a.username LIMIT $2`,
    [routerId, want.openSessions],
  );
  await db.query(
    `INSERT INTO sessions (router_id, account_id, username, acct_session_id, calling_station_id, started_at, last_seen_at,
                           stopped_at, input_octets, output_octets, session_time, terminate_cause)
     SELECT $1, a.id, a.username, 'fill-closed-' || g || '-' || a.username, 'AA:BB:CC:00:00:02',
            now() - d.age, now() - d.age + interval '1 hour',
            now() - d.age + interval '1 hour', 1000000, 5000000, 3600, 'User-Request'
       FROM (SELECT id, username FROM accounts WHERE username LIKE 'fill%' ORDER BY username LIMIT $2) a,
            generate_series(1, $3::int) g,
            -- Spread over two years, so history fills about 24 monthly partitions.
            LATERAL (SELECT make_interval(days => 1 + (abs(hashtext(a.username)) + g * 137) % 730) AS age) d`,
    [routerId, Math.min(want.closedSessions, 100_000), Math.max(1, Math.ceil(want.closedSessions / 100_000))],
  );
  // What the session archiver does every ten minutes, in bigger batches: sessions closed
  // over a week ago move to their month's partition of sessions_history.
  await db.query('SELECT aaa_history_partition(now())');
  for (let n = 1; n > 0;) n = (await db.query("SELECT aaa_archive_sessions(now() - interval '7 days', 4000) AS n")).rows[0].n;
  await db.query('VACUUM ANALYZE accounts');
  await db.query('VACUUM ANALYZE sessions');
  await db.query('ANALYZE sessions_history');
  // Flush the bulk load's dirty pages now, not during the measurement.
  await db.query('CHECKPOINT');
  const count = async (sql: string) => (await db.query(sql)).rows[0].n as number;
  return {
    accounts: await count('SELECT count(*)::int AS n FROM accounts'),
    openSessions: await count('SELECT count(*)::int AS n FROM sessions WHERE stopped_at IS NULL'),
    closedSessions: await count(
      'SELECT ((SELECT count(*) FROM sessions WHERE stopped_at IS NOT NULL) + (SELECT count(*) FROM sessions_history))::int AS n',
    ),
    historyMonths: await count("SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'sessions_history'::regclass"),
    seconds: Math.round((Date.now() - t0) / 1000),
  };
}

/** EXPLAIN ANALYZE of the queries every RADIUS request runs, as markdown. */
export async function explainHotQueries(db: Client, username: string, routerId: string): Promise<string> {
  const queries: [string, string, unknown[]][] = [
    ['authorize: account + profile + open sessions', `${LOOKUP_SQL} WHERE lower(a.username COLLATE "C") = $1`, [username.toLowerCase()]],
    [
      'accounting: the sessions a packet may belong to',
      'SELECT id, input_octets + output_octets AS total, started_at, stopped_at FROM sessions WHERE router_id = $1 AND acct_session_id = $2',
      [routerId, 'fill-open-fill0000001'],
    ],
    ['accounting: account id by username', 'SELECT id FROM accounts WHERE lower(username COLLATE "C") = $1', [username.toLowerCase()]],
    [
      'accounting, a session not in the hot table (Start): is it a late packet of one in history?',
      'SELECT 1 FROM sessions_history h WHERE h.router_id = $1 AND h.acct_session_id = $2 AND h.stopped_at >= $3',
      [routerId, 'new-session', new Date()],
    ],
  ];
  const out: string[] = [];
  for (const [title, sql, params] of queries) {
    const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params);
    out.push(`**${title}**`, '', '```', ...rows.map((r: Record<string, string>) => r['QUERY PLAN']), '```', '');
  }
  return out.join('\n');
}
