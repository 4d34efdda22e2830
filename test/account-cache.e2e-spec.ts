import { AccountLookup } from '@app/aaa';
import { radiusCall } from './support/rlm-rest';
import { sql } from './support/test-db';
import { startTestApp, TestApp } from './support/test-app';

const NAS = '127.0.0.41';

/**
 * Authorize answers from memory; these prove memory never outlives a commit, whoever
 * made it: the admin API, accounting, or plain SQL on another connection.
 */
describe('account cache (real PostgreSQL notifications)', () => {
  let t: TestApp;
  let customerId: string;
  beforeAll(async () => {
    t = await startTestApp();
    await t.admin().post('/api/routers').send({ name: 'mt', vendor: 'mikrotik', nasIdentifier: 'mt-cache', nasIp: NAS }).expect(201);
    customerId = (await t.admin().post('/api/customers').send({ name: 'Cache' }).expect(201)).body.id;
  });
  afterAll(() => t.close());

  const create = async (username: string, extra: Record<string, unknown> = {}) =>
    (
      await t
        .admin()
        .post(`/api/customers/${customerId}/accounts`)
        .send({ kind: 'vpn', username, password: 'pw-pw-pw', ...extra })
        .expect(201)
    ).body as { id: string };
  const login = (username: string, mac = 'AA:00:00:00:00:01') =>
    radiusCall(t.url, 'authorize', NAS, { 'User-Name': username, 'User-Password': 'pw-pw-pw', 'Calling-Station-Id': mac });
  const db = (text: string, values: unknown[] = []) => sql(t.databaseUrl, text, values);
  const acct = (username: string, status: string, session: string, mac: string) =>
    radiusCall(t.url, 'accounting', NAS, {
      'NAS-Identifier': 'mt-cache',
      'User-Name': username,
      'Acct-Status-Type': status,
      'Acct-Session-Id': session,
      'Calling-Station-Id': mac,
    }).expect(204);

  /** A notification crosses connections: poll a few times instead of sleeping a guess. */
  async function eventually(check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('condition not reached within 2 s');
  }

  it('a ban made in SQL, outside the API, stops logins', async () => {
    const a = await create('cache-ban');
    await login('cache-ban').expect(200);
    expect(t.app.get(AccountLookup).isCached('cache-ban')).toBe(true);
    await db(`UPDATE accounts SET status = 'banned' WHERE id = $1`, [a.id]);
    await eventually(async () => (await login('cache-ban')).status === 401);
  });

  it('an unban in SQL lets the next login in at once (rejects are re-read)', async () => {
    const a = await create('cache-unban', {});
    await db(`UPDATE accounts SET status = 'disabled' WHERE id = $1`, [a.id]);
    await login('cache-unban').expect(401);
    await db(`UPDATE accounts SET status = 'active' WHERE id = $1`, [a.id]);
    await login('cache-unban').expect(200);
  });

  it('a password changed through the API applies to the very next login', async () => {
    const a = await create('cache-pw');
    await login('cache-pw').expect(200);
    await t.admin().patch(`/api/accounts/${a.id}`).send({ password: 'new-pw-new-pw' }).expect(200);
    await login('cache-pw').expect(401);
  });

  it('a speed profile edited in SQL changes the reply', async () => {
    const p = (await t.admin().post('/api/speed-profiles').send({ name: 'cache-10', downloadKbps: 10_000, uploadKbps: 2_000 }).expect(201))
      .body as { id: string };
    await create('cache-speed', { speedProfileId: p.id });
    const rate = async () => String((await login('cache-speed').expect(200)).body['reply:Mikrotik-Rate-Limit'].value);
    expect(await rate()).toBe('2000k/10000k');
    await db(`UPDATE speed_profiles SET download_kbps = 50000 WHERE id = $1`, [p.id]);
    await eventually(async () => (await rate()) === '2000k/50000k');
  });

  it('sessions opened and closed by accounting count against max_sessions at once', async () => {
    await create('cache-max', { maxSessions: 1 });
    await login('cache-max', 'AA:00:00:00:00:01').expect(200);
    await acct('cache-max', 'Start', 'cache-s1', 'AA:00:00:00:00:01');
    await login('cache-max', 'AA:00:00:00:00:02').expect(401);
    await acct('cache-max', 'Stop', 'cache-s1', 'AA:00:00:00:00:01');
    await login('cache-max', 'AA:00:00:00:00:02').expect(200);
  });

  it('a session opened in SQL by another instance is seen through its notification', async () => {
    const a = await create('cache-other', { maxSessions: 1 });
    await login('cache-other', 'AA:00:00:00:00:03').expect(200);
    const [router] = await db(`SELECT id FROM routers WHERE nas_identifier = 'mt-cache'`);
    await db(
      `INSERT INTO sessions (router_id, account_id, username, acct_session_id, calling_station_id, started_at, last_seen_at)
       VALUES ($1, $2, 'cache-other', 'cache-s2', 'AA:00:00:00:00:04', now(), now())`,
      [router.id, a.id],
    );
    await eventually(async () => (await login('cache-other', 'AA:00:00:00:00:03')).status === 401);
  });

  it('trusts memory again only once it listens again after losing the connection', async () => {
    const lookup = t.app.get(AccountLookup);
    await create('cache-gap');
    await login('cache-gap').expect(200);
    expect(lookup.isCached('cache-gap')).toBe(true);
    await db(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'radius-backend-bus' AND datname = current_database()`,
    );
    await eventually(async () => !lookup.isCached('cache-gap'));
    await login('cache-gap').expect(200);
    // Resubscribes after about a second; then logins fill the cache again.
    for (let i = 0; i < 5 && !lookup.isCached('cache-gap'); i++) {
      await new Promise((r) => setTimeout(r, 500));
      await login('cache-gap').expect(200);
    }
    expect(lookup.isCached('cache-gap')).toBe(true);
  });
});
