import request from 'supertest';
import { AuthEventQuery, AuthEventsService, StaleSessionReaper } from '@app/aaa';
import { radiusCall } from './support/rlm-rest';
import { sql } from './support/test-db';
import { RADIUS_TOKEN, startTestApp, TestApp } from './support/test-app';

const NAS = '127.0.0.21';

// FreeRADIUS normally calls the dedicated listener; the main port serves the same contract.
describe.each([
  ['the RADIUS listener', (t: TestApp) => t.radiusUrl],
  ['the main port', (t: TestApp) => t.url],
])('/radius/* on %s (rlm_rest contract, real PostgreSQL)', (_, baseOf) => {
  let t: TestApp;
  let customerId: string;
  const base = () => baseOf(t);
  beforeAll(async () => {
    t = await startTestApp();
    await t.admin().post('/api/routers').send({ name: 'mt', vendor: 'mikrotik', nasIdentifier: 'mt-acct', nasIp: NAS }).expect(201);
    customerId = (await t.admin().post('/api/customers').send({ name: 'Acct' }).expect(201)).body.id;
  });
  afterAll(() => t.close());

  const account = (body: Record<string, unknown>) =>
    t
      .admin()
      .post(`/api/customers/${customerId}/accounts`)
      .send({ kind: 'vpn', password: 'pw-pw-pw', ...body })
      .expect(201);
  const acct = (attrs: Record<string, string | number>) => radiusCall(base(), 'accounting', NAS, { 'NAS-Identifier': 'mt-acct', ...attrs });
  const session = async (id: string) => (await sql(t.databaseUrl, 'SELECT * FROM sessions WHERE acct_session_id = $1', [id]))[0];

  it('refuses calls without the FreeRADIUS token', async () => {
    expect((await request(base()).post(`/radius/authorize?nas=${NAS}`).send({})).status).toBe(401);
    expect((await request(base()).post(`/radius/authorize?nas=${NAS}`).set('x-radius-token', 'nope').send({})).status).toBe(401);
  });

  it('validates its inputs with 400s', async () => {
    expect((await radiusCall(base(), 'authorize', 'not-an-ip', { 'User-Name': 'x' })).status).toBe(400);
    expect((await radiusCall(base(), 'authorize', NAS, {})).status).toBe(400);
    const arr = await request(base())
      .post(`/radius/accounting?nas=${NAS}`)
      .set('x-radius-token', 'test-radius-token-0123456789')
      .send([1, 2]);
    expect(arr.status).toBe(400);
  });

  it('answers dynamic-client lookups for known routers only', async () => {
    const ok = await request(base()).post(`/radius/clients?ip=${NAS}`).set('x-radius-token', 'test-radius-token-0123456789').expect(200);
    expect(ok.body['control:FreeRADIUS-Client-Secret']).toMatchObject({ do_xlat: false });
    await request(base()).post('/radius/clients?ip=127.9.9.9').set('x-radius-token', 'test-radius-token-0123456789').expect(404);
  });

  it('is idempotent and order-safe: retransmits, Interim before Start, late Interim after Stop', async () => {
    const a = await account({ username: 'acct1', quotaBytes: 10 * 2 ** 32 });
    const base = {
      'User-Name': 'acct1',
      'Acct-Session-Id': 's-1',
      'Calling-Station-Id': 'aa-bb-cc-dd-ee-01',
      'Framed-IP-Address': '10.9.0.2',
    };
    await acct({
      ...base,
      'Acct-Status-Type': 'Interim-Update',
      'Acct-Input-Octets': 100,
      'Acct-Output-Octets': 5,
      'Acct-Output-Gigawords': 1,
      'Acct-Session-Time': 60,
    }).expect(204);
    await acct({ ...base, 'Acct-Status-Type': 'Start' }).expect(204);
    await acct({ ...base, 'Acct-Status-Type': 'Start' }).expect(204);
    let s = await session('s-1');
    expect(s.stopped_at).toBeNull();
    expect(Number(s.output_octets)).toBe(2 ** 32 + 5);
    expect(s.calling_station_id).toBe('AA:BB:CC:DD:EE:01');
    expect(s.account_id).toBe(a.body.id);
    const stop = {
      ...base,
      'Acct-Status-Type': 'Stop',
      'Acct-Input-Octets': 300,
      'Acct-Output-Octets': 9,
      'Acct-Output-Gigawords': 1,
      'Acct-Session-Time': 120,
      'Acct-Terminate-Cause': 'User-Request',
    };
    await acct(stop).expect(204);
    await acct(stop).expect(204);
    await acct({ ...base, 'Acct-Status-Type': 'Interim-Update', 'Acct-Input-Octets': 200, 'Acct-Session-Time': 90 }).expect(204);
    s = await session('s-1');
    expect(s.stopped_at).not.toBeNull();
    expect(s.terminate_cause).toBe('User-Request');
    expect(Number(s.input_octets)).toBe(300);
    const [acc] = await sql(t.databaseUrl, 'SELECT used_bytes FROM accounts WHERE id = $1', [a.body.id]);
    expect(Number(acc.used_bytes)).toBe(300 + 2 ** 32 + 9);
  });

  it('closes every open session of the router on Accounting-On', async () => {
    await account({ username: 'acct2', maxSessions: 5 });
    for (const id of ['on-1', 'on-2']) await acct({ 'User-Name': 'acct2', 'Acct-Session-Id': id, 'Acct-Status-Type': 'Start' }).expect(204);
    await acct({ 'Acct-Status-Type': 'Accounting-On', 'Acct-Session-Id': 'boot' }).expect(204);
    for (const id of ['on-1', 'on-2']) expect((await session(id)).terminate_cause).toBe('NAS-Reboot');
  });

  it('acknowledges unusable packets instead of making the NAS retry forever', async () => {
    await acct({ 'User-Name': 'x', 'Acct-Session-Id': 'bad' }).expect(204);
    expect(await session('bad')).toBeUndefined();
  });

  it('closes sessions with no update for 2 × interim + grace as Stale', async () => {
    await acct({ 'User-Name': 'acct1', 'Acct-Session-Id': 'quiet', 'Acct-Status-Type': 'Start' }).expect(204);
    await acct({ 'User-Name': 'acct1', 'Acct-Session-Id': 'lively', 'Acct-Status-Type': 'Start' }).expect(204);
    await sql(t.databaseUrl, "UPDATE sessions SET last_seen_at = now() - interval '721 seconds' WHERE acct_session_id = 'quiet'");
    expect(await t.app.get(StaleSessionReaper).reap()).toBe(1);
    expect((await session('quiet')).terminate_cause).toBe('Stale');
    expect((await session('lively')).stopped_at).toBeNull();
  });

  it('lists sessions through the admin API with 64-bit byte counts', async () => {
    const res = await t.admin().get('/api/sessions?active=false').expect(200);
    const s1 = res.body.items.find((s: { acctSessionId: string }) => s.acctSessionId === 's-1');
    expect(s1).toMatchObject({ outputOctets: 2 ** 32 + 9, inputOctets: 300, terminateCause: 'User-Request' });
  });
});

describe('the RADIUS listener (bare node:http)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());
  const post = (path: string) => request(t.radiusUrl).post(path).set('x-radius-token', RADIUS_TOKEN);

  it('listens on loopback by default', () => {
    expect(new URL(t.radiusUrl).hostname).toBe('127.0.0.1');
  });

  it('answers unknown paths, other methods, bad JSON and huge bodies with 4xx, not 500', async () => {
    expect((await post('/api/customers').send({})).status).toBe(404);
    expect((await request(t.radiusUrl).get(`/radius/authorize?nas=${NAS}`).set('x-radius-token', RADIUS_TOKEN)).status).toBe(405);
    const bad = await post(`/radius/authorize?nas=${NAS}`).set('content-type', 'application/json').send('{"User-Name":');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/JSON/);
    const huge = await post(`/radius/accounting?nas=${NAS}`).send({ 'User-Name': 'x'.repeat(70_000) });
    expect(huge.status).toBe(413);
    const result = await post(`/radius/post-auth?nas=${NAS}&result=maybe`).send({});
    expect(result.status).toBe(400);
    expect(result.body.message).toMatch(/result must be one of/);
  });

  it('checks the token before reading anything else', async () => {
    const res = await request(t.radiusUrl).post('/radius/authorize?nas=not-an-ip').set('x-radius-token', 'nope').send({});
    expect(res.status).toBe(401);
  });
});

describe('auth events (batched writes, real PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('a read waits for the batch already being written, so no decision is missing from it', async () => {
    const events = t.app.get(AuthEventsService);
    for (let round = 0; round < 20; round++) {
      const username = `batch-${round}`;
      events.record({ username, routerId: null, mac: null, result: 'accept', reason: 'ok' });
      // The timer's flush, already under way when an admin reads the log.
      void events.flush();
      const page = await events.list(Object.assign(new AuthEventQuery(), { username, limit: 10, offset: 0 }));
      expect(page.items.map((e) => e.username)).toEqual([username]);
    }
  });
});
