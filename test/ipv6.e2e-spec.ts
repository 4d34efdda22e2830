import { attrLines, FreeRadius, radclient, RadReply, startFreeRadius } from './support/freeradius';
import { radiusCall } from './support/rlm-rest';
import { sql } from './support/test-db';
import { RADIUS_TOKEN, startTestApp, TestApp } from './support/test-app';

const NAS = '127.0.0.1';

/**
 * IPv6 for ISPs (issue 15): pools of prefixes, accounts with a delegated and a framed
 * prefix, both in the Access-Accept, the IPv6 attributes of accounting stored, and the
 * abuse lookup (`GET /api/sessions?ip=…&at=…`) over live and archived sessions. Logins
 * and accounting go through real FreeRADIUS with the project's config.
 */
describe('IPv6: pools, prefixes in replies, accounting and the address lookup', () => {
  let t: TestApp;
  let fr: FreeRadius;
  let secret: string;
  let customerId: string;
  let delegatedPool: { id: string };
  let framedPool: { id: string };

  beforeAll(async () => {
    t = await startTestApp();
    fr = await startFreeRadius(t.radiusUrl, RADIUS_TOKEN);
    secret = (await t.admin().post('/api/routers').send({ name: 'mt', vendor: 'mikrotik', nasIdentifier: 'mt-v6', nasIp: NAS }).expect(201))
      .body.radiusSecret;
    customerId = (await t.admin().post('/api/customers').send({ name: 'V6' }).expect(201)).body.id;
    delegatedPool = (
      await t
        .admin()
        .post('/api/ip6-pools')
        .send({ name: 'pd', prefix: '2001:db8::/40', assignLength: 56, purpose: 'delegated' })
        .expect(201)
    ).body;
    framedPool = (
      await t
        .admin()
        .post('/api/ip6-pools')
        .send({ name: 'links', prefix: '2001:db8:ff00::/48', assignLength: 64, purpose: 'framed' })
        .expect(201)
    ).body;
  }, 90_000);

  afterAll(async () => {
    await fr?.stop();
    await t?.close();
  });

  const createAccount = (body: Record<string, unknown>) =>
    t
      .admin()
      .post(`/api/customers/${customerId}/accounts`)
      .send({ password: 'pw-pw-pw', kind: 'vpn', ...body });
  const auth = async (username: string): Promise<RadReply | undefined> =>
    (
      await radclient(fr.authPort, 'auth', secret, [
        attrLines({ 'User-Name': username, 'User-Password': 'pw-pw-pw', 'NAS-Identifier': 'mt-v6' }),
      ])
    )[0];
  const acct = async (attrs: Record<string, string | number>) => {
    const [reply] = await radclient(fr.acctPort, 'acct', secret, [attrLines({ 'NAS-Identifier': 'mt-v6', ...attrs })]);
    expect(reply?.code).toBe('Accounting-Response');
  };

  describe('pools', () => {
    it('answers with the pool, its size and what is allocated; lists and gets it', async () => {
      const got = (await t.admin().get(`/api/ip6-pools/${delegatedPool.id}`).expect(200)).body;
      expect(got).toMatchObject({ name: 'pd', prefix: '2001:db8::/40', assignLength: 56, purpose: 'delegated', size: 65536 });
      const list = (await t.admin().get('/api/ip6-pools').expect(200)).body;
      expect(list.items.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['pd', 'links']));
    });

    it.each<[string, Record<string, unknown>, number, RegExp]>([
      ['not a prefix', { prefix: '2001:db8::' }, 400, /prefix must be an IPv6 network/],
      ['bits after the length', { prefix: '2001:db8::1/48' }, 400, /no bits set after it/],
      ['IPv4', { prefix: '10.0.0.0/8' }, 400, /prefix must be an IPv6 network/],
      ['an assign length not offered', { assignLength: 48 }, 400, /assignLength must be one of 56, 60, 64/],
      [
        'an assign length that does not fit the pool',
        { prefix: '3fff:0:0:100::/56', assignLength: 56 },
        400,
        /must be longer than the pool's \/56/,
      ],
      ['an unknown purpose', { purpose: 'both' }, 400, /purpose must be one of delegated, framed/],
      ['inside another pool', { prefix: '2001:db8:1::/48' }, 409, /overlaps IPv6 pool pd \(2001:db8::\/40\)/],
      ['around another pool', { prefix: '2001:d00::/24' }, 409, /overlaps IPv6 pool/],
    ])('refuses %s', async (_, patch, status, message) => {
      const body = { name: `bad-${Math.random()}`, prefix: '3fff:1::/32', assignLength: 60, purpose: 'delegated', ...patch };
      const res = await t.admin().post('/api/ip6-pools').send(body).expect(status);
      expect(JSON.stringify(res.body.message)).toMatch(message);
    });

    it('refuses a duplicate name, and deletes only an empty pool', async () => {
      await t.admin().post('/api/ip6-pools').send({ name: 'pd', prefix: '3fff:2::/32', assignLength: 64, purpose: 'framed' }).expect(409);
      const empty = (
        await t
          .admin()
          .post('/api/ip6-pools')
          .send({ name: 'spare', prefix: '3fff:3::/32', assignLength: 64, purpose: 'framed' })
          .expect(201)
      ).body;
      await t.admin().delete(`/api/ip6-pools/${empty.id}`).expect(204);
      await t.admin().get(`/api/ip6-pools/${empty.id}`).expect(404);
      const used = (
        await t
          .admin()
          .post('/api/ip6-pools')
          .send({ name: 'used', prefix: '3fff:4::/32', assignLength: 64, purpose: 'framed' })
          .expect(201)
      ).body;
      await createAccount({ username: 'v6.pool.user', framedIp6PoolId: used.id }).expect(201);
      const res = await t.admin().delete(`/api/ip6-pools/${used.id}`).expect(409);
      expect(res.body.message).toMatch(/still has 1 account prefixes/);
    });
  });

  describe('account prefixes', () => {
    it('30 creates at once into a pool of 16 prefixes: 16 get distinct ones, 14 a clear 409; a delete frees one', async () => {
      const pool = (
        await t
          .admin()
          .post('/api/ip6-pools')
          .send({ name: 'small', prefix: '2001:db9:100::/52', assignLength: 56, purpose: 'delegated' })
          .expect(201)
      ).body;
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => createAccount({ username: `race${i}`, ip6PoolId: pool.id })));
      const ok = results.filter((r) => r.status === 201);
      const refused = results.filter((r) => r.status !== 201);
      expect(ok).toHaveLength(16);
      expect(refused.map((r) => [r.status, r.body.message])).toEqual(Array(14).fill([409, 'IPv6 pool small is exhausted']));
      const prefixes = ok.map((r) => r.body.delegatedPrefix as string).sort();
      expect(new Set(prefixes).size).toBe(16);
      const expected = Array.from({ length: 16 }, (_, i) => `2001:db9:100:${i ? `${i.toString(16)}00` : ''}::/56`.replace(':::', '::'));
      expect(prefixes).toEqual(expect.arrayContaining(expected));
      expect((await t.admin().get(`/api/ip6-pools/${pool.id}`).expect(200)).body).toMatchObject({ size: 16, allocated: 16 });

      const gone = ok.find((r) => r.body.delegatedPrefix === '2001:db9:100:700::/56')!;
      await t.admin().delete(`/api/accounts/${gone.body.id}`).expect(204);
      const again = await createAccount({ username: 'race.again', ip6PoolId: pool.id }).expect(201);
      expect(again.body).toMatchObject({ delegatedPrefix: '2001:db9:100:700::/56', ip6PoolId: pool.id });
    });

    it('the allocator steps over explicit prefixes of any length, in either column', async () => {
      const pool = (
        await t
          .admin()
          .post('/api/ip6-pools')
          .send({ name: 'edge', prefix: '2001:dba::/52', assignLength: 56, purpose: 'delegated' })
          .expect(201)
      ).body;
      const next = async (name: string) => (await createAccount({ username: name, ip6PoolId: pool.id }).expect(201)).body.delegatedPrefix;
      await createAccount({ username: 'edge.x64', delegatedPrefix: '2001:dba::/64' }).expect(201); // inside the first /56
      expect(await next('edge.1')).toBe('2001:dba:0:100::/56');
      await createAccount({ username: 'edge.x57', framedIpv6Prefix: '2001:dba:0:280::/57' }).expect(201); // half of the third
      expect(await next('edge.2')).toBe('2001:dba:0:300::/56');
      await createAccount({ username: 'edge.x54', delegatedPrefix: '2001:dba:0:400::/54' }).expect(201); // the 5th to 8th
      expect(await next('edge.3')).toBe('2001:dba:0:800::/56');
      expect((await t.admin().get(`/api/ip6-pools/${pool.id}`).expect(200)).body).toMatchObject({ size: 16, allocated: 6 });
    });

    it('an explicit prefix: taken out of the pool, unique, and checked', async () => {
      const explicit = await createAccount({ username: 'v6.explicit', delegatedPrefix: '2001:db8:0:100::/56' }).expect(201);
      expect(explicit.body).toMatchObject({ delegatedPrefix: '2001:db8:0:100::/56', ip6PoolId: null });
      // Overlapping it, longer or shorter: the database refuses.
      for (const [i, delegatedPrefix] of ['2001:db8:0:100::/56', '2001:db8:0:120::/60', '2001:db8::/48'].entries()) {
        const res = await createAccount({ username: `v6.clash${i}`, delegatedPrefix }).expect(409);
        expect(res.body.message).toBe('delegatedPrefix overlaps another account’s delegated prefix');
      }
      // The pool hands out the first free /56s around it.
      const a = await createAccount({ username: 'v6.a', ip6PoolId: delegatedPool.id }).expect(201);
      const b = await createAccount({ username: 'v6.b', ip6PoolId: delegatedPool.id }).expect(201);
      expect([a.body.delegatedPrefix, b.body.delegatedPrefix]).toEqual(['2001:db8::/56', '2001:db8:0:200::/56']);

      await createAccount({ username: 'v6.both', ip6PoolId: delegatedPool.id, delegatedPrefix: '2001:db8:5::/56' }).expect(400);
      await createAccount({ username: 'v6.wrongpool', ip6PoolId: framedPool.id }).expect(400);
      const bad = await createAccount({ username: 'v6.bad', framedIpv6Prefix: '2001:db8:ff00::1/64' }).expect(400);
      expect(JSON.stringify(bad.body.message)).toMatch(/framedIpv6Prefix must be an IPv6 network/);

      // An update can set, move or release it; it reads back as PostgreSQL writes it.
      const moved = await t.admin().patch(`/api/accounts/${a.body.id}`).send({ delegatedPrefix: '2001:0db8:0000:0f00::/56' }).expect(200);
      expect(moved.body).toMatchObject({ delegatedPrefix: '2001:db8:0:f00::/56', ip6PoolId: null });
      const released = await t.admin().patch(`/api/accounts/${a.body.id}`).send({ delegatedPrefix: null }).expect(200);
      expect(released.body.delegatedPrefix).toBeNull();
    });
  });

  describe('through FreeRADIUS', () => {
    it('Access-Accept carries both prefixes, and a restricted login keeps them', async () => {
      const acc = (await createAccount({ username: 'v6.login', ip6PoolId: delegatedPool.id, framedIp6PoolId: framedPool.id }).expect(201))
        .body;
      expect(acc.framedIpv6Prefix).toMatch(/^2001:db8:ff00:/);
      const r = await auth('v6.login');
      expect(r?.code).toBe('Access-Accept');
      expect(r?.attrs).toMatchObject({ 'Delegated-IPv6-Prefix': acc.delegatedPrefix, 'Framed-IPv6-Prefix': acc.framedIpv6Prefix });

      await t
        .admin()
        .patch(`/api/accounts/${acc.id}`)
        .send({ restrictions: ['unpaid'] })
        .expect(200);
      const restricted = await auth('v6.login');
      expect(restricted?.code).toBe('Access-Accept');
      expect(restricted?.attrs).toMatchObject({
        'Mikrotik-Address-List': expect.any(String),
        'Delegated-IPv6-Prefix': acc.delegatedPrefix,
        'Framed-IPv6-Prefix': acc.framedIpv6Prefix,
      });
    });

    it('accounting stores the IPv6 attributes as the NAS reports them; a malformed one is dropped, not the packet', async () => {
      await createAccount({ username: 'v6.acct' }).expect(201);
      await acct({
        'User-Name': 'v6.acct',
        'Acct-Session-Id': 'v6-acct-1',
        'Acct-Status-Type': 'Start',
        'Framed-IP-Address': '100.64.0.9',
        'Framed-IPv6-Prefix': '2001:db8:77:1::/64',
        'Delegated-IPv6-Prefix': '2001:db8:77:100::/56',
        'Framed-IPv6-Address': '2001:db8:77:1::9',
      });
      const [s] = (await t.admin().get('/api/sessions?ip=2001:db8:77:1::9').expect(200)).body.items;
      expect(s).toMatchObject({
        acctSessionId: 'v6-acct-1',
        username: 'v6.acct',
        framedIp: '100.64.0.9',
        framedIpv6Prefix: '2001:db8:77:1::/64',
        delegatedIpv6Prefix: '2001:db8:77:100::/56',
        framedIpv6Address: '2001:db8:77:1::9',
      });
      // Filtered by a prefix: sessions whose prefix lies in it.
      const inside = (await t.admin().get('/api/sessions?ip=2001:db8:77::/48').expect(200)).body.items;
      expect(inside.map((x: { acctSessionId: string }) => x.acctSessionId)).toEqual(['v6-acct-1']);
      await t.admin().get('/api/sessions?ip=2001:db8::1/48').expect(400);

      // A NAS that sends garbage (radclient cannot: FreeRADIUS parses the attributes): the
      // usage still counts, the bad value is not stored, nothing becomes a dead letter.
      await radiusCall(t.radiusUrl, 'accounting', NAS, {
        'User-Name': 'v6.acct',
        'Acct-Session-Id': 'v6-acct-1',
        'Acct-Status-Type': 'Interim-Update',
        'Acct-Session-Time': 60,
        'Acct-Input-Octets64': 4242,
        'Framed-IPv6-Prefix': '2001:db8:77:1::/200',
        'Delegated-IPv6-Prefix': 'not-a-prefix',
        'Framed-IPv6-Address': '10.0.0.1',
      }).expect(204);
      const [after] = (await t.admin().get('/api/sessions?ip=2001:db8:77:1::9').expect(200)).body.items;
      expect(after).toMatchObject({
        inputOctets: 4242,
        framedIpv6Prefix: '2001:db8:77:1::/64',
        delegatedIpv6Prefix: '2001:db8:77:100::/56',
      });
      expect((await t.admin().get('/api/accounting/dead-letters').expect(200)).body.items).toEqual([]);
    });

    it('who had this address then: IPv4 and IPv6 (inside a delegated prefix), live and archived', async () => {
      const early = (await createAccount({ username: 'abuse.early' }).expect(201)).body;
      const late = (await createAccount({ username: 'abuse.late' }).expect(201)).body;
      const T0 = Math.floor(Date.now() / 1000) - 3 * 3600;
      const at = (s: number) => new Date((T0 + s) * 1000).toISOString();
      // The same IPv4 address and delegated prefix, one customer after the other.
      const lease = { 'Framed-IP-Address': '100.64.7.7', 'Delegated-IPv6-Prefix': '2001:db8:99:100::/56' };
      const session = async (user: string, id: string, from: number, to?: number) => {
        await acct({ 'User-Name': user, 'Acct-Session-Id': id, 'Acct-Status-Type': 'Start', 'Event-Timestamp': T0 + from, ...lease });
        if (to !== undefined) {
          await acct({
            'User-Name': user,
            'Acct-Session-Id': id,
            'Acct-Status-Type': 'Stop',
            'Event-Timestamp': T0 + to,
            'Acct-Session-Time': to - from,
            ...lease,
          });
        }
      };
      await session('abuse.early', 'abuse-1', 0, 3600);
      await session('abuse.late', 'abuse-2', 4000);
      // The first one moves to the monthly history, as the archiver does.
      const [{ moved }] = await sql<{ moved: number }>(t.databaseUrl, 'SELECT aaa_archive_sessions(now(), 1000) AS moved');
      expect(moved).toBeGreaterThanOrEqual(1);
      expect(await sql(t.databaseUrl, "SELECT 1 FROM sessions_history WHERE acct_session_id = 'abuse-1'")).toHaveLength(1);

      const who = async (ip: string, when: number) =>
        (
          await t
            .admin()
            .get(`/api/sessions?ip=${encodeURIComponent(ip)}&at=${at(when)}`)
            .expect(200)
        ).body.items.map((s: { accountId: string }) => s.accountId);
      expect(await who('100.64.7.7', 1800)).toEqual([early.id]);
      expect(await who('100.64.7.7', 5000)).toEqual([late.id]);
      expect(await who('2001:db8:99:1a0:abcd::1', 1800)).toEqual([early.id]);
      expect(await who('2001:db8:99:1a0:abcd::1', 5000)).toEqual([late.id]);
      expect(await who('2001:db8:99:1a0:abcd::1', 3800)).toEqual([]);
      expect(await who('2001:db8:99:200::1', 1800)).toEqual([]);
      // The stop's own second still counts: the address was in use up to it.
      expect(await who('100.64.7.7', 3600)).toEqual([early.id]);
      await t.admin().get('/api/sessions?ip=100.64.7.7&at=yesterday').expect(400);
    });
  });
});
