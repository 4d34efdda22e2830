import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { SessionArchiver } from '@app/aaa';
import { radiusCall } from './support/rlm-rest';
import { sql } from './support/test-db';
import { startTestApp, TestApp } from './support/test-app';

const NAS = '127.0.0.31';
const HOUR = 3_600_000;

/** The first instant of the UTC month `back` months before this one, plus `plusMs`. */
function monthStart(back: number, plusMs = 0): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1) + plusMs);
}
const partitionOf = (d: Date) => `sessions_history_p${d.toISOString().slice(0, 7).replace('-', '')}`;

/**
 * Years of sessions (migration 1764200000000, sessions/session-archiver.ts): closed
 * sessions move from the hot table into monthly partitions, the admin API reads both
 * as one list, late packets of moved sessions stay moved, and retention drops months.
 */
describe('session history (monthly partitions, real PostgreSQL)', () => {
  let t: TestApp;
  let accountId: string;
  /** Stopped two months ago, in the middle of a month. */
  const older = { start: monthStart(2, 10 * 24 * HOUR), stop: monthStart(2, 10 * 24 * HOUR + HOUR) };
  /** Stopped last month, in its first hour. */
  const old = { start: monthStart(1, -HOUR), stop: monthStart(1, HOUR / 2) };

  beforeAll(async () => {
    t = await startTestApp();
    await t.admin().post('/api/routers').send({ name: 'mt', vendor: 'mikrotik', nasIdentifier: 'mt-hist', nasIp: NAS }).expect(201);
    const customerId = (await t.admin().post('/api/customers').send({ name: 'History' }).expect(201)).body.id;
    accountId = (
      await t
        .admin()
        .post(`/api/customers/${customerId}/accounts`)
        .send({ username: 'hist1', password: 'pw-pw-pw', kind: 'vpn', maxSessions: 5 })
        .expect(201)
    ).body.id;
    for (const id of ['h-older', 'h-old', 'h-recent', 'h-open']) await acct(id, 'Start');
    for (const id of ['h-older', 'h-old', 'h-recent']) await acct(id, 'Stop', { 'Acct-Output-Octets': 5000 });
    // Their times, as if they had run then (the API trusts Event-Timestamp within a week only).
    const setTimes = `UPDATE sessions SET started_at = $2, last_seen_at = $3, stopped_at = $3 WHERE acct_session_id = $1`;
    await sql(t.databaseUrl, setTimes, ['h-older', older.start, older.stop]);
    await sql(t.databaseUrl, setTimes, ['h-old', old.start, old.stop]);
    await sql(t.databaseUrl, setTimes, ['h-recent', new Date(Date.now() - 2 * 24 * HOUR), new Date(Date.now() - 24 * HOUR)]);
  });
  afterAll(() => t.close());

  const acct = (id: string, status: string, extra: Record<string, string | number> = {}) =>
    radiusCall(t.url, 'accounting', NAS, {
      'NAS-Identifier': 'mt-hist',
      'User-Name': 'hist1',
      'Acct-Session-Id': id,
      'Acct-Status-Type': status,
      ...extra,
    }).expect(204);
  const hot = async () =>
    (await sql(t.databaseUrl, "SELECT acct_session_id FROM sessions WHERE acct_session_id LIKE 'h-%' ORDER BY 1")).map(
      (r) => r.acct_session_id,
    );
  const usedBytes = async () =>
    Number((await sql(t.databaseUrl, 'SELECT used_bytes FROM accounts WHERE id = $1', [accountId]))[0].used_bytes);

  it('moves sessions closed before the cutoff into the partition of their month, and nothing else', async () => {
    const result = await t.app.get(SessionArchiver).archive();
    expect(result.moved).toBe(2);
    expect(await hot()).toEqual(['h-open', 'h-recent']);
    const placed = await sql(
      t.databaseUrl,
      "SELECT tableoid::regclass::text AS part, acct_session_id FROM sessions_history WHERE acct_session_id LIKE 'h-%' ORDER BY 2",
    );
    expect(placed).toEqual([
      { part: partitionOf(old.stop), acct_session_id: 'h-old' },
      { part: partitionOf(older.stop), acct_session_id: 'h-older' },
    ]);
    // This month and the next are made ahead; running again moves nothing.
    const parts = (
      await sql(t.databaseUrl, "SELECT inhrelid::regclass::text AS p FROM pg_inherits WHERE inhparent = 'sessions_history'::regclass")
    ).map((r) => r.p);
    expect(parts).toEqual(expect.arrayContaining([partitionOf(new Date()), partitionOf(monthStart(-1))]));
    expect((await t.app.get(SessionArchiver).archive()).moved).toBe(0);
  });

  it('lists hot and archived sessions as one, newest first, with the same shape', async () => {
    const all = (await t.admin().get(`/api/sessions?accountId=${accountId}`).expect(200)).body;
    expect(all.total).toBe(4);
    expect(all.items.map((s: { acctSessionId: string }) => s.acctSessionId)).toEqual(['h-open', 'h-recent', 'h-old', 'h-older']);
    const archived = all.items[2];
    expect(archived).toMatchObject({ accountId, username: 'hist1', outputOctets: 5000, stoppedAt: old.stop.toISOString() });
    expect((await t.admin().get(`/api/sessions/${archived.id}`).expect(200)).body).toEqual(archived);
    expect((await t.admin().get(`/api/sessions?accountId=${accountId}&active=true`).expect(200)).body.total).toBe(1);
    const closed = (await t.admin().get(`/api/sessions?accountId=${accountId}&active=false&limit=2&offset=1`).expect(200)).body;
    expect(closed.total).toBe(3);
    expect(closed.items.map((s: { acctSessionId: string }) => s.acctSessionId)).toEqual(['h-old', 'h-older']);
  });

  it('drops a late packet of an archived session instead of opening it again', async () => {
    const used = await usedBytes();
    const sessionTime = Math.floor((Date.now() - old.start.getTime()) / 1000);
    await acct('h-old', 'Interim-Update', { 'Acct-Session-Time': sessionTime, 'Acct-Output-Octets': 9000 });
    await acct('h-old', 'Stop', { 'Acct-Session-Time': sessionTime, 'Acct-Output-Octets': 9000 });
    expect(await hot()).toEqual(['h-open', 'h-recent']);
    expect(await usedBytes()).toBe(used);
  });

  it('opens a new session when the router reuses an archived Acct-Session-Id later', async () => {
    await acct('h-older', 'Start');
    expect(await hot()).toEqual(['h-older', 'h-open', 'h-recent']);
    expect((await t.admin().get(`/api/sessions?accountId=${accountId}`).expect(200)).body.total).toBe(5);
  });

  it('adds a month while a long read holds history, with the indexes and foreign keys', async () => {
    const reader = new Client({ connectionString: t.databaseUrl });
    await reader.connect();
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM sessions_history');
      // An ACCESS EXCLUSIVE lock would wait for the reader, and accounting would queue behind it.
      const far = new Date(Date.UTC(2100, 0, 15));
      await sql(t.databaseUrl, "SELECT set_config('lock_timeout', '2s', false), aaa_history_partition($1)", [far]);
      await reader.query('COMMIT');
      const name = partitionOf(far);
      const indexes = await sql(t.databaseUrl, 'SELECT indexdef FROM pg_indexes WHERE tablename = $1', [name]);
      expect(indexes.map((i) => String(i.indexdef).replace(/^.* USING /, ''))).toEqual(
        expect.arrayContaining([
          'btree (id, stopped_at)',
          'btree (account_id, started_at DESC)',
          'btree (started_at DESC)',
          'btree (router_id, acct_session_id, stopped_at)',
        ]),
      );
      // Two instances making the same month at once both succeed.
      const next = new Date(Date.UTC(2101, 5, 1));
      const made = await Promise.all([1, 2].map(() => sql(t.databaseUrl, 'SELECT aaa_history_partition($1) AS p', [next])));
      expect(made.map((r) => r[0].p)).toEqual([partitionOf(next), partitionOf(next)]);
      const fks = await sql(t.databaseUrl, "SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f'", [
        name,
      ]);
      expect(fks[0].n).toBe(2);
    } finally {
      await reader.end();
    }
  });

  it('drops whole months past retention', async () => {
    // This month and one full month before it are kept.
    t.config.sessionHistoryMonths = 1;
    try {
      const result = await t.app.get(SessionArchiver).archive();
      expect(result.dropped).toEqual([partitionOf(older.stop)]);
    } finally {
      t.config.sessionHistoryMonths = 0;
    }
    const left = await sql(t.databaseUrl, "SELECT acct_session_id FROM sessions_history WHERE acct_session_id LIKE 'h-%'");
    expect(left).toEqual([{ acct_session_id: 'h-old' }]);
  });

  // Last: it takes the schema down and up again under the running app.
  it('migrates down without losing history, and up again', async () => {
    const db = t.app.get(DataSource);
    // Later migrations first, then the history one itself.
    const applied = async () => (await db.query(`SELECT 1 FROM migrations WHERE name = 'SessionsHistory1764200000000'`)).length > 0;
    while (await applied()) await db.undoLastMigration();
    expect(await hot()).toEqual(['h-old', 'h-older', 'h-open', 'h-recent']);
    await db.runMigrations();
    expect((await t.app.get(SessionArchiver).archive()).moved).toBe(1);
    expect(await hot()).toEqual(['h-older', 'h-open', 'h-recent']);
  });
});
