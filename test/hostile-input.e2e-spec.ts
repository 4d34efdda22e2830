import request from 'supertest';
import { radiusCall } from './support/rlm-rest';
import { sql } from './support/test-db';
import { ADMIN_TOKEN, RADIUS_TOKEN, startTestApp, TestApp } from './support/test-app';

/**
 * The six classes of input that gave HTTP 500s, one sample of each and its neighbours:
 * each now gets a 400 that says what is wrong, and nothing reaches the database. The
 * fuzz suite (fuzz.e2e-spec.ts) looks for the classes; this one pins the samples.
 */
describe('hostile input: a clear 400, never a 500', () => {
  let t: TestApp;
  let accountId: string;
  let routerId: string;
  let customerId: string;
  const NAS = '127.0.0.1';

  beforeAll(async () => {
    t = await startTestApp();
    routerId = (await t.admin().post('/api/routers').send({ name: 'h', vendor: 'mikrotik', nasIdentifier: 'h-1', nasIp: NAS }).expect(201))
      .body.id;
    customerId = (await t.admin().post('/api/customers').send({ name: 'Hostile' }).expect(201)).body.id;
    accountId = (
      await t.admin().post(`/api/customers/${customerId}/accounts`).send({ username: 'h1', password: 'pw-pw-pw', kind: 'vpn' }).expect(201)
    ).body.id;
  });
  afterAll(() => t.close());

  const expect400 = async (res: request.Response, mentions: RegExp) => {
    expect([res.status, res.body.message]).toEqual([400, expect.anything()]);
    expect(JSON.stringify(res.body.message)).toMatch(mentions);
  };

  describe('null for a field that cannot be null', () => {
    it.each([
      ['status', /status/],
      ['password', /password/],
      ['maxSessions', /maxSessions/],
      ['restrictions', /restrictions/],
      ['group', /group/],
    ])('PATCH /api/accounts/:id %s: null', async (field, mentions) => {
      await expect400(
        await t
          .admin()
          .patch(`/api/accounts/${accountId}`)
          .send({ [field]: null }),
        mentions,
      );
    });

    it.each([['name'], ['nasIp'], ['vendor'], ['nasIdentifier'], ['coaPort'], ['uspotSection'], ['radiusSecret']])(
      'PATCH /api/routers/:id %s: null',
      async (field) => {
        await expect400(
          await t
            .admin()
            .patch(`/api/routers/${routerId}`)
            .send({ [field]: null }),
          new RegExp(field),
        );
      },
    );

    it.each([['coaPort'], ['uspotSection'], ['radiusSecret']])('POST /api/routers %s: null', async (field) => {
      const body = { name: 'n', vendor: 'mikrotik', nasIdentifier: `h-${field}`, nasIp: '127.0.0.50', [field]: null };
      await expect400(await t.admin().post('/api/routers').send(body), new RegExp(field));
    });

    it('PATCH /api/customers/:id name: null; PATCH /api/speed-profiles downloadKbps: null', async () => {
      await expect400(await t.admin().patch(`/api/customers/${customerId}`).send({ name: null }), /name/);
      const profile = (await t.admin().post('/api/speed-profiles').send({ name: 'p', downloadKbps: 1, uploadKbps: 1 }).expect(201)).body;
      await expect400(await t.admin().patch(`/api/speed-profiles/${profile.id}`).send({ downloadKbps: null }), /downloadKbps/);
    });

    it('still clears what is nullable', async () => {
      await t.admin().patch(`/api/accounts/${accountId}`).send({ notes: 'x', quotaBytes: 5 }).expect(200);
      const cleared = await t
        .admin()
        .patch(`/api/accounts/${accountId}`)
        .send({ notes: null, quotaBytes: null, expiresAt: null })
        .expect(200);
      expect(cleared.body).toMatchObject({ notes: null, quotaBytes: null, expiresAt: null });
      await t.admin().patch(`/api/routers/${routerId}`).send({ venueName: null, uamSecret: null }).expect(200);
    });
  });

  describe('NUL and unpaired surrogates in any string', () => {
    it.each<[string, string, Record<string, unknown>]>([
      ['customer name', 'post:/api/customers', { name: 'a\u0000b' }],
      ['customer notes', 'post:/api/customers', { name: 'ok', notes: 'a\u0000' }],
      ['customer email, lone surrogate', 'post:/api/customers', { name: 'ok', email: 'a\ud800@example.org' }],
      ['customer email, lone low surrogate', 'post:/api/customers', { name: 'ok', email: '\udc00a@example.org' }],
      ['account notes', 'patch:/api/accounts/:id', { notes: 'x\u0000' }],
      ['account password', 'patch:/api/accounts/:id', { password: 'pass\ud800word' }],
      ['router venue name', 'patch:/api/routers/:id', { venueName: 'cafe\u0000' }],
      ['an array element', 'patch:/api/accounts/:id', { restrictions: ['unpaid\u0000'] }],
      ['an unknown field’s key', 'post:/api/customers', { name: 'ok', 'x\u0000': 1 }],
    ])('%s', async (_, target, body) => {
      const [method, path] = [target.slice(0, target.indexOf(':')) as 'post' | 'patch', target.slice(target.indexOf(':') + 1)];
      const url = path.replace('/api/accounts/:id', `/api/accounts/${accountId}`).replace('/api/routers/:id', `/api/routers/${routerId}`);
      const agent = request(t.url);
      const res = await agent[method](url)
        .set('authorization', `Bearer ${ADMIN_TOKEN}`)
        .set('content-type', 'application/json')
        .send(JSON.stringify(body));
      await expect400(res, /NUL|surrogate|must/);
    });

    it.each(['/api/accounts?username=a%00', '/api/auth-events?username=a%00', '/api/auth-events?mac=%00', '/api/sessions?accountId=%00'])(
      'query filter %s',
      async (url) => {
        await expect400(await t.admin().get(url), /NUL|surrogate|must/);
      },
    );
  });

  describe('numbers past their column', () => {
    it('usedBytes of 1e19, quotaBytes of 2^63, maxSessions of 2^31', async () => {
      await expect400(await t.admin().patch(`/api/accounts/${accountId}`).send({ usedBytes: 1e19 }), /usedBytes/);
      await expect400(
        await t
          .admin()
          .patch(`/api/accounts/${accountId}`)
          .send({ quotaBytes: 2 ** 63 }),
        /quotaBytes/,
      );
      await expect400(
        await t
          .admin()
          .patch(`/api/accounts/${accountId}`)
          .send({ maxSessions: 2 ** 31 }),
        /maxSessions/,
      );
      await expect400(
        await t
          .admin()
          .post('/api/speed-profiles')
          .send({ name: 'big', downloadKbps: 2 ** 31, uploadKbps: 1 }),
        /downloadKbps/,
      );
    });

    it('offset=99999999999999999999 and limit=1e9 on every list endpoint', async () => {
      const doc = (await request(t.url).get('/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
      };
      const lists = Object.entries(doc.paths)
        .filter(([, ops]) => ops.get?.parameters?.some((p) => p.name === 'offset'))
        .map(([path]) => path.replace(/\{id\}/, customerId));
      expect(lists.length).toBeGreaterThanOrEqual(8);
      for (const path of lists) {
        await expect400(await t.admin().get(`${path}?offset=99999999999999999999`), /offset/);
        await expect400(await t.admin().get(`${path}?limit=1000000000`), /limit/);
      }
    });

    it('an expiry past what timestamptz holds', async () => {
      await expect400(await t.admin().patch(`/api/accounts/${accountId}`).send({ expiresAt: '-271821-04-20T00:00:00.000Z' }), /expiresAt/);
    });
  });

  describe('addresses and networks the way PostgreSQL takes them', () => {
    it.each([['10.0.0.1/24'], ['1.2.3.4/33'], ['2001:db8::1/64'], ['10/8'], ['fe80::/64%eth0']])('panelAllowlist [%j]', async (cidr) => {
      await expect400(
        await t
          .admin()
          .patch(`/api/accounts/${accountId}`)
          .send({ panelAllowlist: [cidr] }),
        /panelAllowlist/,
      );
    });

    it('accepts real networks, IPv6 too', async () => {
      const res = await t
        .admin()
        .patch(`/api/accounts/${accountId}`)
        .send({ panelAllowlist: ['10.0.0.0/24', '203.0.113.7', '2001:db8::/32'] })
        .expect(200);
      expect(res.body.panelAllowlist).toEqual(['10.0.0.0/24', '203.0.113.7', '2001:db8::/32']);
    });

    it('nasIp with an IPv6 zone id, on create and update', async () => {
      const body = { name: 'z', vendor: 'mikrotik', nasIdentifier: 'h-zone', nasIp: 'fe80::1%eth0' };
      await expect400(await t.admin().post('/api/routers').send(body), /nasIp/);
      await expect400(await t.admin().patch(`/api/routers/${routerId}`).send({ nasIp: 'fe80::1%eth0' }), /nasIp/);
      await t.admin().patch(`/api/routers/${routerId}`).send({ nasIp: 'fe80::1' }).expect(200);
      await t.admin().patch(`/api/routers/${routerId}`).send({ nasIp: NAS }).expect(200);
    });
  });

  describe('the same classes on /radius/*, with a valid token', () => {
    it.each([
      ['authorize: NUL in User-Name', 'authorize', { 'User-Name': 'h1\u0000' }],
      ['authorize: lone surrogate in Calling-Station-Id', 'authorize', { 'User-Name': 'h1', 'Calling-Station-Id': 'aa\ud800' }],
      ['authorize: a 300-character User-Name', 'authorize', { 'User-Name': 'u'.repeat(300) }],
      ['post-auth: NUL in User-Name', 'post-auth', { 'User-Name': 'h1\u0000' }],
    ])('%s → 400', async (_, path, attrs) => {
      const res = await radiusCall(t.radiusUrl, path, NAS, attrs, path === 'post-auth' ? '&result=reject' : '');
      expect(res.status).toBe(400);
    });

    it('a NUL in post-auth’s reason, an IPv6 zone as nas= or ip=', async () => {
      expect((await radiusCall(t.url, 'post-auth', NAS, { 'User-Name': 'h1' }, '&result=reject&reason=a%00')).status).toBe(400);
      expect((await radiusCall(t.url, 'authorize', 'fe80::1%25eth0', { 'User-Name': 'h1' })).status).toBe(400);
      const clients = await request(t.radiusUrl).post('/radius/clients?ip=fe80::1%25eth0').set('x-radius-token', RADIUS_TOKEN).send({});
      expect(clients.status).toBe(400);
    });

    it('accounting never answers 4xx/5xx for content: it keeps the packet aside', async () => {
      const res = await radiusCall(t.url, 'accounting', NAS, {
        'Acct-Status-Type': 'Start',
        'Acct-Session-Id': 'h-nul',
        'User-Name': 'h1\u0000',
      });
      expect(res.status).toBe(204);
      const [row] = await sql(t.databaseUrl, `SELECT reason FROM accounting_dead_letters ORDER BY id DESC LIMIT 1`);
      expect(row.reason).toMatch(/^User-Name "h1\\u0000" contains a NUL/);
    });
  });
});
