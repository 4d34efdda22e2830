import request from 'supertest';
import { DeadLetterRetention } from '../libs/aaa/src/dead-letters/dead-letter-retention';
import { attrLines, FreeRadius, radclient, startFreeRadius } from './support/freeradius';
import { radiusCall } from './support/rlm-rest';
import { sql } from './support/test-db';
import { RADIUS_TOKEN, startTestApp, TestApp } from './support/test-app';

interface DeadLetter {
  id: string;
  routerId: string | null;
  nasIp: string;
  kind: string;
  reason: string;
  attributes: Record<string, string[]>;
}

/**
 * One accounting packet that can never be stored must not stall the ones behind it:
 * it is acknowledged and kept as a dead letter (radius-attributes.ts ranges,
 * dead-letters/), visible in the admin API and in /metrics.
 */
describe('accounting dead letters', () => {
  let t: TestApp;
  let routerId: string;
  const NAS = '127.0.0.1';

  const poll = async <T>(read: () => Promise<T>, done: (v: T) => boolean, what: string, tries = 120): Promise<T> => {
    let value = await read();
    for (let i = 0; i < tries && !done(value); i++) {
      await new Promise((r) => setTimeout(r, 250));
      value = await read();
    }
    if (!done(value)) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    return value;
  };
  const deadLetters = async (query = ''): Promise<DeadLetter[]> =>
    (await t.admin().get(`/api/accounting/dead-letters?limit=500${query}`).expect(200)).body.items;
  const session = async (id: string) =>
    (
      await sql<{ stopped_at: Date | null; input_octets: string }>(t.databaseUrl, 'SELECT * FROM sessions WHERE acct_session_id = $1', [id])
    )[0];

  describe('through real FreeRADIUS: a poison packet spooled during an outage', () => {
    let fr: FreeRadius;
    let secret: string;

    beforeAll(async () => {
      t = await startTestApp();
      fr = await startFreeRadius(t.radiusUrl, RADIUS_TOKEN);
      const router = (
        await t.admin().post('/api/routers').send({ name: 'mt', vendor: 'mikrotik', nasIdentifier: 'mt-dl', nasIp: NAS }).expect(201)
      ).body;
      routerId = router.id;
      secret = router.radiusSecret;
      const customerId = (await t.admin().post('/api/customers').send({ name: 'Dead' }).expect(201)).body.id;
      await t
        .admin()
        .post(`/api/customers/${customerId}/accounts`)
        .send({ username: 'dl1', password: 'pw-pw-pw', kind: 'hotspot', maxSessions: 5 })
        .expect(201);
    }, 90_000);

    afterAll(async () => {
      await fr?.stop();
    });

    const acct = (attrs: Record<string, string | number>) => attrLines({ 'NAS-Identifier': 'mt-dl', 'User-Name': 'dl1', ...attrs });

    it('is set aside after the API returns, and the valid Stop spooled behind it is applied', async () => {
      // A session open before the outage; FreeRADIUS knows the router.
      const [started] = await radclient(fr.acctPort, 'acct', secret, [acct({ 'Acct-Session-Id': 'dl-live', 'Acct-Status-Type': 'Start' })]);
      expect(started?.code).toBe('Accounting-Response');
      const port = new URL(t.url).port;
      const radiusPort = new URL(t.radiusUrl).port;
      const db = t.databaseUrl;
      await t.close();

      const spooled = [
        // Overflowed the int column: a 500, retried every few seconds, forever.
        acct({ 'Acct-Session-Id': 'dl-poison-1', 'Acct-Status-Type': 'Interim-Update', 'Acct-Session-Time': 4294967295 }),
        // FreeRADIUS makes Acct-Input-Octets64 = 2^64 - 2^32 + 7 of it: past bigint.
        acct({
          'Acct-Session-Id': 'dl-poison-2',
          'Acct-Status-Type': 'Interim-Update',
          'Acct-Input-Gigawords': 4294967295,
          'Acct-Input-Octets': 7,
        }),
        acct({ 'Acct-Session-Id': 'dl-live', 'Acct-Status-Type': 'Stop', 'Acct-Session-Time': 60, 'Acct-Input-Octets': 4242 }),
      ];
      // One at a time, so the spool holds them in this order.
      for (const packet of spooled) expect((await radclient(fr.acctPort, 'acct', secret, [packet]))[0]?.code).toBe('Accounting-Response');
      expect((await session('dl-live')) ?? {}).toMatchObject({ stopped_at: null });

      t = await startTestApp({ PORT: port, RADIUS_API_PORT: radiusPort }, db);
      const stopped = await poll(
        () => session('dl-live'),
        (s) => s?.stopped_at !== null,
        'the spooled Stop',
      );
      expect(Number(stopped.input_octets)).toBe(4242);

      const letters = await deadLetters();
      const bySession = (id: string) => letters.find((l) => l.attributes['Acct-Session-Id']?.[0] === id);
      expect(bySession('dl-poison-1')).toMatchObject({
        routerId,
        nasIp: NAS,
        kind: 'range',
        reason: 'Acct-Session-Time 4294967295 is out of range (0-2147483647)',
      });
      expect(bySession('dl-poison-2')).toMatchObject({
        routerId,
        kind: 'range',
        reason: expect.stringMatching(/^Acct-Input-Octets64 \d+ is out of range/),
      });
      expect(bySession('dl-poison-2')!.attributes['User-Name']).toEqual(['dl1']);
      // Neither was stored as a session.
      expect(await session('dl-poison-1')).toBeUndefined();
      expect(await session('dl-poison-2')).toBeUndefined();

      const metrics = (await request(t.url).get('/metrics').expect(200)).text;
      expect(metrics).toMatch(/^radius_accounting_dead_letters_total\{kind="range"\} [2-9]/m);
      expect(metrics).toMatch(/^radius_accounting_dead_letters [2-9]/m);
    }, 90_000);
  });

  describe.each([
    ['the RADIUS listener', () => t.radiusUrl],
    ['the main port', () => t.url],
  ])('on %s: every accounting attribute is range-checked', (_, base) => {
    const call = (attrs: Record<string, string | number>) =>
      radiusCall(base(), 'accounting', NAS, {
        'NAS-Identifier': 'mt-dl',
        'User-Name': 'dl1',
        'Acct-Status-Type': 'Interim-Update',
        ...attrs,
      });

    it.each<[string, Record<string, string | number>, string, RegExp]>([
      ['Acct-Session-Time past int', { 'Acct-Session-Time': 2 ** 31 }, 'range', /^Acct-Session-Time 2147483648 is out of range/],
      [
        'Gigawords past the safe byte count',
        { 'Acct-Output-Gigawords': 2 ** 21, 'Acct-Output-Octets': 0 },
        'range',
        /add up to 9007199254740992/,
      ],
      ['Octets64 of 1e19', { 'Acct-Input-Octets64': 1e19 }, 'range', /^Acct-Input-Octets64 10000000000000000000 is out of range/],
      ['a negative counter', { 'Acct-Input-Octets': -1 }, 'range', /^Acct-Input-Octets "-1" is not a non-negative integer/],
      ['a fraction', { 'Acct-Session-Time': 1.5 }, 'range', /is not a non-negative integer/],
      ['a NUL in User-Name', { 'User-Name': 'dl1\u0000' }, 'range', /^User-Name "dl1\\u0000" contains a NUL/],
      ['a lone surrogate in Acct-Session-Id', { 'Acct-Session-Id': 'x\ud800' }, 'range', /^Acct-Session-Id .* unpaired surrogate/],
      ['a 300-character Called-Station-Id', { 'Called-Station-Id': 'c'.repeat(300) }, 'range', /longer than 253/],
      [
        'an IPv6 zone in Framed-IP-Address',
        { 'Framed-IP-Address': 'fe80::1%eth0' },
        'range',
        /^Framed-IP-Address "fe80::1%eth0" is not an IP address/,
      ],
      ['an unknown Acct-Status-Type', { 'Acct-Status-Type': 'Reboot' }, 'range', /^Acct-Status-Type "Reboot" is not one of/],
      ['no Acct-Session-Id', { 'Acct-Session-Id': '' }, 'missing', /^Acct-Session-Id is missing/],
    ])('%s: acknowledged (204) and set aside', async (what, attrs, kind, reason) => {
      const id = `dl-${Math.random().toString(36).slice(2)}`;
      await call({ 'Acct-Session-Id': id, ...attrs }).expect(204);
      const [latest] = await deadLetters();
      expect(latest).toMatchObject({ routerId, kind });
      expect([what, latest.reason]).toEqual([what, expect.stringMatching(reason)]);
    });

    it('a packet from no known router is kept too, without a router', async () => {
      await radiusCall(base(), 'accounting', '127.9.9.9', { 'Acct-Status-Type': 'Start', 'Acct-Session-Id': 'dl-stranger' }).expect(204);
      const [latest] = await deadLetters('&kind=unknown_nas');
      expect(latest).toMatchObject({ routerId: null, nasIp: '127.9.9.9', attributes: { 'Acct-Session-Id': ['dl-stranger'] } });
    });

    it('a value PostgreSQL refuses is set aside, and the packets batched with it are stored', async () => {
      // A constraint the edge checks do not know about, as a stand-in for any such rule.
      await sql(t.databaseUrl, `ALTER TABLE sessions ADD CONSTRAINT test_refuse CHECK (called_station_id IS DISTINCT FROM 'refuse-me')`);
      try {
        const ids = Array.from({ length: 20 }, (_, i) => `dl-batch-${Math.random().toString(36).slice(2)}-${i}`);
        const results = await Promise.all(
          ids.map((id, i) =>
            call({ 'Acct-Session-Id': id, 'Acct-Status-Type': 'Start', ...(i === 7 ? { 'Called-Station-Id': 'refuse-me' } : {}) }),
          ),
        );
        expect(results.map((r) => r.status)).toEqual(ids.map(() => 204));
        const stored = await sql(t.databaseUrl, 'SELECT acct_session_id FROM sessions WHERE acct_session_id = ANY($1)', [ids]);
        expect(stored.map((r) => r.acct_session_id).sort()).toEqual(ids.filter((_, i) => i !== 7).sort());
        const [refused] = await deadLetters('&kind=refused');
        expect(refused.attributes['Acct-Session-Id']).toEqual([ids[7]]);
        expect(refused.reason).toMatch(/^PostgreSQL refused it: .*test_refuse/);
      } finally {
        await sql(t.databaseUrl, 'ALTER TABLE sessions DROP CONSTRAINT test_refuse');
      }
    });
  });

  describe('the admin API', () => {
    it('lists them paged and newest first, one at a time, and deletes them; admin only', async () => {
      const all = (await t.admin().get('/api/accounting/dead-letters?limit=2&offset=1').expect(200)).body;
      expect(all).toMatchObject({ limit: 2, offset: 1, total: expect.any(Number) });
      expect(all.items).toHaveLength(2);
      const first = all.items[0] as DeadLetter;
      expect((await t.admin().get(`/api/accounting/dead-letters/${first.id}`).expect(200)).body).toEqual(first);
      await t.admin().delete(`/api/accounting/dead-letters/${first.id}`).expect(204);
      await t.admin().get(`/api/accounting/dead-letters/${first.id}`).expect(404);
      await t.admin().get('/api/accounting/dead-letters/99999999999999999999').expect(400);
      await t.admin().get('/api/accounting/dead-letters?kind=nope').expect(400);
      await request(t.url).get('/api/accounting/dead-letters').expect(401);
      const doc = (await request(t.url).get('/docs-json').expect(200)).body;
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/accounting/dead-letters', '/api/accounting/dead-letters/{id}']));
    });

    it('never keeps a password, even if a caller sends one', async () => {
      await radiusCall(t.radiusUrl, 'accounting', NAS, {
        'Acct-Status-Type': 'Nope',
        'Acct-Session-Id': 'dl-pw',
        'User-Password': 'hunter2-secret',
        'CHAP-Password': '0xdeadbeef',
      }).expect(204);
      const text = JSON.stringify(await deadLetters());
      expect(text).toContain('dl-pw');
      expect(text).not.toMatch(/hunter2|deadbeef|Password/);
    });
  });

  afterAll(async () => {
    await t?.close();
  });
});

describe('accounting dead letters: retention', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ DEAD_LETTER_RETENTION_DAYS: '30' });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('deletes dead letters older than DEAD_LETTER_RETENTION_DAYS, keeps the rest', async () => {
    const add = (daysAgo: number, reason: string) =>
      sql(
        t.databaseUrl,
        `INSERT INTO accounting_dead_letters (nas_ip, kind, reason, attributes, received_at)
         VALUES ('127.0.0.1', 'out_of_range', $1, '{}', now() - make_interval(days => $2))`,
        [reason, daysAgo],
      );
    await add(45, 'old');
    await add(31, 'just past');
    await add(29, 'recent');
    await add(0, 'today');
    expect(await t.app.get(DeadLetterRetention).prune()).toBe(2);
    const left = await sql<{ reason: string }>(t.databaseUrl, 'SELECT reason FROM accounting_dead_letters ORDER BY received_at');
    expect(left.map((r) => r.reason)).toEqual(['recent', 'today']);
  });
});
