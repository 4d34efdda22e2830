import request from 'supertest';
import { StaleSessionReaper } from '@app/aaa';
import { radiusCall } from './support/rlm-rest';
import { sql } from './support/test-db';
import { startTestApp, TestApp } from './support/test-app';

const NAS = '127.0.0.21';

describe('/radius/* (rlm_rest contract, real PostgreSQL)', () => {
  let t: TestApp;
  let customerId: string;
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
  const acct = (attrs: Record<string, string | number>) => radiusCall(t.url, 'accounting', NAS, { 'NAS-Identifier': 'mt-acct', ...attrs });
  const session = async (id: string) => (await sql(t.databaseUrl, 'SELECT * FROM sessions WHERE acct_session_id = $1', [id]))[0];

  it('refuses calls without the FreeRADIUS token', async () => {
    expect((await request(t.url).post(`/radius/authorize?nas=${NAS}`).send({})).status).toBe(401);
    expect((await request(t.url).post(`/radius/authorize?nas=${NAS}`).set('x-radius-token', 'nope').send({})).status).toBe(401);
  });

  it('validates its inputs with 400s', async () => {
    expect((await radiusCall(t.url, 'authorize', 'not-an-ip', { 'User-Name': 'x' })).status).toBe(400);
    expect((await radiusCall(t.url, 'authorize', NAS, {})).status).toBe(400);
    const arr = await request(t.url)
      .post(`/radius/accounting?nas=${NAS}`)
      .set('x-radius-token', 'test-radius-token-0123456789')
      .send([1, 2]);
    expect(arr.status).toBe(400);
  });

  it('answers dynamic-client lookups for known routers only', async () => {
    const ok = await request(t.url).post(`/radius/clients?ip=${NAS}`).set('x-radius-token', 'test-radius-token-0123456789').expect(200);
    expect(ok.body['control:FreeRADIUS-Client-Secret']).toMatchObject({ do_xlat: false });
    await request(t.url).post('/radius/clients?ip=127.9.9.9').set('x-radius-token', 'test-radius-token-0123456789').expect(404);
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
