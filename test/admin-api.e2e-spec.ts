import request from 'supertest';
import { startTestApp, TestApp } from './support/test-app';

describe('admin API (real PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('refuses requests without the admin token', async () => {
    const res = await request(t.url).get('/api/customers');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect((await request(t.url).get('/api/customers').set('authorization', 'Bearer wrong')).status).toBe(401);
  });

  it('gives a customer with two accounts two distinct static IPs from a pool', async () => {
    const pool = await t.admin().post('/api/ip-pools').send({ name: 'p1', cidr: '10.50.0.0/24' }).expect(201);
    const c = await t.admin().post('/api/customers').send({ name: 'Alice' }).expect(201);
    const a1 = await t
      .admin()
      .post(`/api/customers/${c.body.id}/accounts`)
      .send({ username: 'alice.phone', password: 'secret-1', kind: 'vpn', group: 'user', ipPoolId: pool.body.id })
      .expect(201);
    const a2 = await t
      .admin()
      .post(`/api/customers/${c.body.id}/accounts`)
      .send({ username: 'alice.laptop', password: 'secret-2', kind: 'vpn', group: 'user', ipPoolId: pool.body.id })
      .expect(201);
    expect(a1.body.staticIp).toBe('10.50.0.2');
    expect(a2.body.staticIp).toBe('10.50.0.3');
    expect(a1.body).not.toHaveProperty('password');
    expect(JSON.stringify(a1.body)).not.toContain('secret-1');
    const list = await t.admin().get(`/api/customers/${c.body.id}/accounts`).expect(200);
    expect(list.body.total).toBe(2);
    expect(JSON.stringify(list.body)).not.toMatch(/passwordEnc|ntHash|secret-/);
  });

  it('never hands out a duplicate IP under 30 concurrent creations in a /28', async () => {
    const pool = await t.admin().post('/api/ip-pools').send({ name: 'tiny', cidr: '10.60.0.0/28' }).expect(201);
    const c = await t.admin().post('/api/customers').send({ name: 'Bulk' }).expect(201);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        t
          .admin()
          .post(`/api/customers/${c.body.id}/accounts`)
          .send({ username: `bulk${i}`, password: 'pw-pw-pw', kind: 'vpn', ipPoolId: pool.body.id }),
      ),
    );
    const ok = results.filter((r) => r.status === 201);
    const conflicts = results.filter((r) => r.status === 409);
    expect(ok.length).toBe(13); // /28 = 16 addresses minus network, broadcast, gateway
    expect(conflicts.length).toBe(17);
    expect(conflicts[0].body.message).toMatch(/exhausted/);
    const ips = ok.map((r) => r.body.staticIp);
    expect(new Set(ips).size).toBe(ips.length);
    expect(ips).not.toContain('10.60.0.1');
  });

  it('rejects a duplicate username case-insensitively and a taken static IP with 409', async () => {
    const c = await t.admin().post('/api/customers').send({ name: 'Bob' }).expect(201);
    await t
      .admin()
      .post(`/api/customers/${c.body.id}/accounts`)
      .send({ username: 'Bob', password: 'pw-pw-pw', kind: 'vpn', staticIp: '10.70.0.5' })
      .expect(201);
    const dup = await t.admin().post(`/api/customers/${c.body.id}/accounts`).send({ username: 'bob', password: 'pw-pw-pw', kind: 'vpn' });
    expect(dup.status).toBe(409);
    expect(dup.body.message).toBe('Username already exists');
    const ip = await t
      .admin()
      .post(`/api/customers/${c.body.id}/accounts`)
      .send({ username: 'bob2', password: 'pw-pw-pw', kind: 'vpn', staticIp: '10.70.0.5' });
    expect(ip.status).toBe(409);
    expect(ip.body.message).toBe('Static IP is already taken');
  });

  it('releases the static IP when the account is deleted', async () => {
    const c = await t.admin().post('/api/customers').send({ name: 'Carol' }).expect(201);
    const a = await t
      .admin()
      .post(`/api/customers/${c.body.id}/accounts`)
      .send({ username: 'carol', password: 'pw-pw-pw', kind: 'vpn', staticIp: '10.80.0.9' })
      .expect(201);
    await t.admin().delete(`/api/accounts/${a.body.id}`).expect(204);
    await t
      .admin()
      .post(`/api/customers/${c.body.id}/accounts`)
      .send({ username: 'carol2', password: 'pw-pw-pw', kind: 'vpn', staticIp: '10.80.0.9' })
      .expect(201);
  });

  it.each([
    ['/api/customers', {}],
    ['/api/customers', { name: 'x', email: 'not-an-email' }],
    ['/api/customers', { name: 'x', extra: 1 }],
    ['/api/ip-pools', { name: 'bad', cidr: '10.0.0.0/8' }],
    ['/api/ip-pools', { name: 'bad', cidr: '10.0.0.1/24' }],
    ['/api/ip-pools', { name: 'bad', cidr: 'banana' }],
    ['/api/speed-profiles', { name: 'x', downloadKbps: -1, uploadKbps: 1 }],
    ['/api/routers', { name: 'r', vendor: 'cisco', nasIdentifier: 'x', nasIp: '10.0.0.1' }],
    ['/api/routers', { name: 'r', vendor: 'uspot', nasIdentifier: 'x', nasIp: 'not-an-ip' }],
  ])('POST %s with bad input %j gets 400', async (path, body) => {
    const res = await t.admin().post(path).send(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(res.body.message).toBeDefined();
  });

  it('answers 400 for bad account fields, malformed JSON, bad ids and bad paging', async () => {
    const c = await t.admin().post('/api/customers').send({ name: 'Dave' }).expect(201);
    const bad = [
      { username: 'has space', password: 'pw-pw-pw', kind: 'vpn' },
      { username: 'dave', password: 'pw', kind: 'vpn' },
      { username: 'dave', password: 'pw-pw-pw', kind: 'dialup' },
      { username: 'dave', password: 'pw-pw-pw', kind: 'vpn', staticIp: '999.1.1.1' },
      { username: 'dave', password: 'pw-pw-pw', kind: 'vpn', expiresAt: 'tomorrow' },
      { username: 'dave', password: 'pw-pw-pw', kind: 'vpn', quotaBytes: -5 },
      { username: 'dave', password: 'pw-pw-pw', kind: 'vpn', panelAllowlist: ['nope'] },
      { username: 'dave', password: 'pw-pw-pw', kind: 'vpn', ipPoolId: '3eebc4a9-a989-4983-86d5-54dd6bb0648b' },
      { username: 'dave', password: 'pw-pw-pw', kind: 'vpn', speedProfileId: '3eebc4a9-a989-4983-86d5-54dd6bb0648b' },
    ];
    for (const body of bad) {
      const res = await t.admin().post(`/api/customers/${c.body.id}/accounts`).send(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
    const malformed = await t.admin().post('/api/customers').set('content-type', 'application/json').send('{"name":');
    expect(malformed.status).toBe(400);
    expect((await t.admin().get('/api/accounts/not-a-uuid')).status).toBe(400);
    expect((await t.admin().get('/api/sessions?limit=0')).status).toBe(400);
    expect((await t.admin().get('/api/sessions?active=maybe')).status).toBe(400);
    expect((await t.admin().get('/api/customers/3eebc4a9-a989-4983-86d5-54dd6bb0648b')).status).toBe(404);
  });

  it('returns router secrets once and never in lists', async () => {
    const r = await t
      .admin()
      .post('/api/routers')
      .send({ name: 'r1', vendor: 'mikrotik', nasIdentifier: 'mt-1', nasIp: '127.0.0.9' })
      .expect(201);
    expect(r.body.radiusSecret.length).toBeGreaterThanOrEqual(32);
    expect(r.body.token.length).toBeGreaterThanOrEqual(32);
    const list = await t.admin().get('/api/routers').expect(200);
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(r.body.radiusSecret);
    expect(text).not.toContain(r.body.token);
    expect(list.body.items[0]).toMatchObject({ online: false, coaPort: 3799 });
    const dup = await t.admin().post('/api/routers').send({ name: 'r2', vendor: 'mikrotik', nasIdentifier: 'mt-1', nasIp: '127.0.0.10' });
    expect(dup.status).toBe(409);
  });

  it('serves OpenAPI, health and metrics', async () => {
    const doc = await request(t.url).get('/docs-json').expect(200);
    expect(doc.body.paths['/api/customers/{id}/accounts']).toBeDefined();
    await request(t.url).get('/health').expect(200);
    const m = await request(t.url).get('/metrics').expect(200);
    expect(m.text).toContain('process_cpu_seconds_total');
  });
});
