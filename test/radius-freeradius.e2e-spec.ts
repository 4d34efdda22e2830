import { attrLines, FreeRadius, msChapV2Attributes, radclient, RadReply, startFreeRadius } from './support/freeradius';
import { sql, withDatabaseDown } from './support/test-db';
import { RADIUS_TOKEN, startTestApp, TestApp } from './support/test-app';

/**
 * The whole AAA path with real parts: radclient as the NAS, FreeRADIUS 3.2 with the
 * project's overlay, the API over rlm_rest, and PostgreSQL.
 */
describe('FreeRADIUS → rlm_rest → API → PostgreSQL', () => {
  let t: TestApp;
  let fr: FreeRadius;
  let mikrotikSecret: string;
  let uspotSecret: string;
  let customerId: string;
  const MT = '127.0.0.1';
  const USPOT = '127.0.0.2';

  beforeAll(async () => {
    t = await startTestApp();
    fr = await startFreeRadius(t.radiusUrl, RADIUS_TOKEN);
    mikrotikSecret = (
      await t.admin().post('/api/routers').send({ name: 'mt', vendor: 'mikrotik', nasIdentifier: 'mt-1', nasIp: MT }).expect(201)
    ).body.radiusSecret;
    uspotSecret = (
      await t.admin().post('/api/routers').send({ name: 'us', vendor: 'uspot', nasIdentifier: 'uspot-1', nasIp: USPOT }).expect(201)
    ).body.radiusSecret;
    const profile = (
      await t
        .admin()
        .post('/api/speed-profiles')
        .send({ name: '10M/2M', downloadKbps: 10000, uploadKbps: 2000, sessionTimeoutSeconds: 86400 })
        .expect(201)
    ).body;
    const pool = (await t.admin().post('/api/ip-pools').send({ name: 'vpn', cidr: '10.44.0.0/24' }).expect(201)).body;
    customerId = (await t.admin().post('/api/customers').send({ name: 'Erika' }).expect(201)).body.id;
    const mk = (body: Record<string, unknown>) =>
      t
        .admin()
        .post(`/api/customers/${customerId}/accounts`)
        .send({ kind: 'vpn', speedProfileId: profile.id, ipPoolId: pool.id, ...body })
        .expect(201);
    await mk({ username: 'erika.phone', password: 'p%ss"w/rd%{User-Name}' });
    await mk({ username: 'erika.laptop', password: 'laptop-pw', maxSessions: 1 });
    await mk({ username: 'banned1', password: 'pw-pw-pw', status: 'banned' });
    await mk({ username: 'expired.vpn', password: 'pw-pw-pw', expiresAt: '2020-01-01T00:00:00Z' });
    await mk({ username: 'boss', password: 'boss-pw', group: 'admin' });
    await t
      .admin()
      .post(`/api/customers/${customerId}/accounts`)
      .send({ username: 'hot1', password: 'hot-pw', kind: 'hotspot', speedProfileId: profile.id, quotaBytes: 5_000_000 })
      .expect(201);
    await t
      .admin()
      .post(`/api/customers/${customerId}/accounts`)
      .send({ username: 'hot.expired', password: 'hot-pw', kind: 'hotspot', expiresAt: '2020-01-01T00:00:00Z' })
      .expect(201);
  }, 90_000);

  afterAll(async () => {
    await fr?.stop();
    await t?.close();
  });

  const auth = async (
    attrs: Record<string, string | number>,
    extra = '',
    secret = mikrotikSecret,
    retries = 1,
  ): Promise<RadReply | undefined> =>
    (await radclient(fr.authPort, 'auth', secret, [attrLines(attrs) + (extra ? `\n${extra}` : '')], { retries }))[0];
  const acct = async (attrs: Record<string, string | number>, secret = mikrotikSecret) =>
    (await radclient(fr.acctPort, 'acct', secret, [attrLines({ 'NAS-Identifier': 'mt-1', ...attrs })]))[0];

  describe('authentication', () => {
    it('accepts PAP, with a password full of characters FreeRADIUS would expand or JSON would choke on', async () => {
      const r = await auth({ 'User-Name': 'erika.phone', 'User-Password': 'p%ss"w/rd%{User-Name}' });
      expect(r?.code).toBe('Access-Accept');
      expect(r?.attrs['Framed-IP-Address']).toBe('10.44.0.2');
      expect(r?.attrs['Mikrotik-Rate-Limit']).toBe('2000k/10000k');
      expect(r?.attrs['Acct-Interim-Interval']).toBe('300');
      expect(r?.attrs['Session-Timeout']).toBe('86400');
    });

    it('accepts CHAP (FreeRADIUS verifies with the cleartext the API hands it)', async () => {
      expect((await auth({ 'User-Name': 'erika.laptop', 'CHAP-Password': 'laptop-pw' }))?.code).toBe('Access-Accept');
      expect((await auth({ 'User-Name': 'erika.laptop', 'CHAP-Password': 'wrong' }))?.code).toBe('Access-Reject');
    });

    it('accepts MS-CHAPv1', async () => {
      expect((await auth({ 'User-Name': 'erika.laptop', 'MS-CHAP-Password': 'laptop-pw' }))?.code).toBe('Access-Accept');
    });

    it('accepts MS-CHAPv2 and returns MS-CHAP2-Success and MPPE keys', async () => {
      const r = await auth({ 'User-Name': 'erika.laptop' }, msChapV2Attributes('erika.laptop', 'laptop-pw'));
      expect(r?.code).toBe('Access-Accept');
      expect(r?.attrs['MS-CHAP2-Success']).toBeDefined();
      expect(r?.attrs['MS-MPPE-Recv-Key']).toBeDefined();
      const bad = await auth({ 'User-Name': 'erika.laptop' }, msChapV2Attributes('erika.laptop', 'nope'));
      expect(bad?.code).toBe('Access-Reject');
    });

    it('rejects a wrong password and an unknown user', async () => {
      expect((await auth({ 'User-Name': 'erika.phone', 'User-Password': 'wrong' }))?.code).toBe('Access-Reject');
      expect((await auth({ 'User-Name': 'nobody', 'User-Password': 'x' }))?.code).toBe('Access-Reject');
    });

    it('rejects a banned account with a Reply-Message that says why', async () => {
      const r = await auth({ 'User-Name': 'banned1', 'User-Password': 'pw-pw-pw' });
      expect(r?.code).toBe('Access-Reject');
      expect(r?.attrs['Reply-Message']).toBe('Account banned');
    });

    it('gives an expired vpn account a restricted accept, keeping its static IP', async () => {
      const r = await auth({ 'User-Name': 'expired.vpn', 'User-Password': 'pw-pw-pw' });
      expect(r?.code).toBe('Access-Accept');
      expect(r?.attrs['Mikrotik-Address-List']).toBe('restricted');
      expect(r?.attrs['Framed-IP-Address']).toMatch(/^10\.44\.0\./);
    });

    it('rejects an expired hotspot account, saying so', async () => {
      const r = await auth({ 'User-Name': 'hot.expired', 'User-Password': 'hot-pw' });
      expect(r?.code).toBe('Access-Reject');
      expect(r?.attrs['Reply-Message']).toBe('Account expired');
    });

    it('sends uspot routers WISPr rates and the remaining quota', async () => {
      const r = await auth(
        { 'User-Name': 'hot1', 'User-Password': 'hot-pw', 'Packet-Src-IP-Address': USPOT, 'NAS-Identifier': 'uspot-1' },
        '',
        uspotSecret,
        // The first packet from a new NAS address: FreeRADIUS defines the client in its
        // receive path and drops the packet if that lookup fails, as a real NAS would
        // see it, which then retransmits. This packet once went unanswered (cause not
        // pinned down); a retransmit keeps the test about the reply.
        2,
      );
      expect(r?.code).toBe('Access-Accept');
      expect(r?.attrs['WISPr-Bandwidth-Max-Up']).toBe('2000000');
      expect(r?.attrs['WISPr-Bandwidth-Max-Down']).toBe('10000000');
      expect(r?.attrs['ChilliSpot-Max-Total-Octets']).toBe('5000000');
      expect(r?.attrs['Framed-IP-Address']).toBeUndefined();
    });

    it('gives an unknown NAS no answer at all', async () => {
      const r = await auth({ 'User-Name': 'erika.phone', 'User-Password': 'x', 'Packet-Src-IP-Address': '127.0.0.77' });
      expect(r).toBeUndefined();
    });

    it('records one auth event per decision, never with a password', async () => {
      // Post-auth reaches the API after the reply went out: poll rather than guess a delay.
      let results: string[] = [];
      for (let i = 0; i < 50 && !(results.includes('accept:ok') && results.includes('reject:wrong_password')); i++) {
        if (i) await new Promise((r) => setTimeout(r, 100));
        const res = await t.admin().get('/api/auth-events?username=erika.laptop&limit=100').expect(200);
        results = res.body.items.map((e: { result: string; reason: string }) => `${e.result}:${e.reason}`);
      }
      expect(results).toEqual(expect.arrayContaining(['accept:ok', 'reject:wrong_password']));
      const all = JSON.stringify((await t.admin().get('/api/auth-events?limit=500').expect(200)).body);
      expect(all).not.toMatch(/laptop-pw|p%ss|hot-pw/);
      expect(all).toContain('restricted');
    });
  });

  describe('accounting and sessions', () => {
    it('records Start, Interim and Stop with Gigawords in GET /api/sessions', async () => {
      const base = {
        'User-Name': 'erika.phone',
        'Acct-Session-Id': 'acc-1',
        'Calling-Station-Id': '02:00:00:00:00:01',
        'Framed-IP-Address': '10.44.0.2',
      };
      expect((await acct({ ...base, 'Acct-Status-Type': 'Start' }))?.code).toBe('Accounting-Response');
      await acct({
        ...base,
        'Acct-Status-Type': 'Interim-Update',
        'Acct-Input-Octets': 1000,
        'Acct-Output-Octets': 2000,
        'Acct-Output-Gigawords': 2,
        'Acct-Session-Time': 300,
      });
      let list = await t.admin().get('/api/sessions?active=true').expect(200);
      const open = list.body.items.find((s: { acctSessionId: string }) => s.acctSessionId === 'acc-1');
      expect(open).toMatchObject({ inputOctets: 1000, outputOctets: 2 * 2 ** 32 + 2000, stoppedAt: null });
      await acct({
        ...base,
        'Acct-Status-Type': 'Stop',
        'Acct-Input-Octets': 5000,
        'Acct-Output-Octets': 7000,
        'Acct-Output-Gigawords': 3,
        'Acct-Session-Time': 600,
        'Acct-Terminate-Cause': 'User-Request',
      });
      list = await t.admin().get('/api/sessions?active=false').expect(200);
      const closed = list.body.items.find((s: { acctSessionId: string }) => s.acctSessionId === 'acc-1');
      expect(closed).toMatchObject({
        inputOctets: 5000,
        outputOctets: 3 * 2 ** 32 + 7000,
        sessionTime: 600,
        terminateCause: 'User-Request',
      });
    });

    it('lets two accounts of one customer be online in parallel, each with its own IP', async () => {
      await acct({
        'User-Name': 'erika.phone',
        'Acct-Session-Id': 'par-1',
        'Acct-Status-Type': 'Start',
        'Framed-IP-Address': '10.44.0.2',
        'Calling-Station-Id': '02:00:00:00:00:0a',
      });
      await acct({
        'User-Name': 'erika.laptop',
        'Acct-Session-Id': 'par-2',
        'Acct-Status-Type': 'Start',
        'Framed-IP-Address': '10.44.0.3',
        'Calling-Station-Id': '02:00:00:00:00:0b',
      });
      const list = await t.admin().get(`/api/sessions?active=true&customerId=${customerId}`).expect(200);
      const ips = list.body.items.map((s: { framedIp: string }) => s.framedIp);
      expect(ips).toEqual(expect.arrayContaining(['10.44.0.2', '10.44.0.3']));
    });

    it('holds maxSessions: another device is rejected, the same device reconnects', async () => {
      // erika.laptop is online from ...:0b (previous test), maxSessions 1.
      const other = await auth({ 'User-Name': 'erika.laptop', 'User-Password': 'laptop-pw', 'Calling-Station-Id': '02:00:00:00:00:0c' });
      expect(other?.code).toBe('Access-Reject');
      expect(other?.attrs['Reply-Message']).toBe('Too many simultaneous sessions');
      const same = await auth({ 'User-Name': 'erika.laptop', 'User-Password': 'laptop-pw', 'Calling-Station-Id': '02:00:00:00:00:0b' });
      expect(same?.code).toBe('Access-Accept');
      const [old] = await sql(t.databaseUrl, "SELECT terminate_cause FROM sessions WHERE acct_session_id = 'par-2'");
      expect(old.terminate_cause).toBe('Session-Replaced');
    });

    it('closes all of a router’s sessions on Accounting-On', async () => {
      await acct({ 'User-Name': 'erika.phone', 'Acct-Session-Id': 'boot-1', 'Acct-Status-Type': 'Start' });
      await acct({ 'Acct-Status-Type': 'Accounting-On', 'Acct-Session-Id': 'on-1' });
      const list = await t.admin().get('/api/sessions?active=true').expect(200);
      expect(list.body.items.filter((s: { routerId: string; acctSessionId: string }) => s.acctSessionId.startsWith('boot-'))).toEqual([]);
    });
  });

  describe('failures', () => {
    it('acknowledges 20 Accounting-Starts while the API is down and records all 20 after it returns', async () => {
      // The router has been talking: FreeRADIUS knows it as a client.
      expect((await acct({ 'User-Name': 'erika.phone', 'Acct-Session-Id': 'warm', 'Acct-Status-Type': 'Start' }))?.code).toBe(
        'Accounting-Response',
      );
      const port = new URL(t.url).port;
      const radiusPort = new URL(t.radiusUrl).port;
      const db = t.databaseUrl;
      await t.close();
      const packets = Array.from({ length: 20 }, (_, i) =>
        attrLines({ 'NAS-Identifier': 'mt-1', 'User-Name': 'erika.phone', 'Acct-Session-Id': `spool-${i}`, 'Acct-Status-Type': 'Start' }),
      );
      const replies = await radclient(fr.acctPort, 'acct', mikrotikSecret, packets, { parallel: 20, timeout: 5 });
      expect(replies.filter((r) => r.code === 'Accounting-Response')).toHaveLength(20);
      expect((await sql(db, "SELECT count(*)::int AS n FROM sessions WHERE acct_session_id LIKE 'spool-%'"))[0].n).toBe(0);
      t = await startTestApp({ PORT: port, RADIUS_API_PORT: radiusPort }, db);
      let n = 0;
      for (let i = 0; i < 60 && n < 20; i++) {
        await new Promise((r) => setTimeout(r, 500));
        n = (await sql(db, "SELECT count(*)::int AS n FROM sessions WHERE acct_session_id LIKE 'spool-%'"))[0].n as number;
      }
      expect(n).toBe(20);
    }, 60_000);

    it('with the database down, rejects a user and still accepts an admin', async () => {
      // The router has been talking: FreeRADIUS and the API both know it.
      expect((await auth({ 'User-Name': 'boss', 'User-Password': 'wrong' }))?.code).toBe('Access-Reject');
      await withDatabaseDown(t.databaseUrl, async () => {
        expect((await auth({ 'User-Name': 'erika.phone', 'User-Password': 'p%ss"w/rd%{User-Name}' }))?.code).toBe('Access-Reject');
        expect((await auth({ 'User-Name': 'boss', 'User-Password': 'boss-pw' }))?.code).toBe('Access-Accept');
        expect((await auth({ 'User-Name': 'boss', 'User-Password': 'wrong' }))?.code).toBe('Access-Reject');
      });
    });
  });
});
