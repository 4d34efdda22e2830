import { createSocket } from 'node:dgram';
import { ACCOUNT_CHANGED_CHANNEL, AnswerCacheControl, PgNotifier } from '@app/aaa';
import { radius } from '../libs/aaa/src/common/radius-lib';
import { attrLines, FreeRadius, radclient, RadReply, reservePort, startFreeRadius } from './support/freeradius';
import { sql, withDatabaseDown } from './support/test-db';
import { RADIUS_TOKEN, startTestApp, TestApp } from './support/test-app';

/**
 * FreeRADIUS's answer cache (mods-available/aaa_answer_cache) with the API evicting it
 * (radius/answer-cache): a repeat login is answered without an HTTP call, and no change
 * made through the API, in SQL or by another device's session is ever answered from
 * stale memory. "Answered by the API" is visible as an accept in auth events: FreeRADIUS
 * does not report accepts it answered itself.
 */
describe('FreeRADIUS answer cache, evicted by the API', () => {
  let t: TestApp;
  let fr: FreeRadius;
  /** A second FreeRADIUS with room for a single cache entry. */
  let tiny: FreeRadius;
  let secret: string;
  let customerId: string;
  let profileId: string;
  const ids: Record<string, string> = {};
  const MAC_A = '02-00-00-00-00-0a';
  const MAC_B = '02-00-00-00-00-0b';
  /** Probes sent by settle(), resolved when the API hears them. */
  const probes = new Map<string, () => void>();
  let gap: (() => void) | undefined;

  beforeAll(async () => {
    const [controlPort, tinyControlPort] = [reservePort(), reservePort()];
    t = await startTestApp({
      RADIUS_ANSWER_CACHE_CONTROL: `127.0.0.1:${controlPort},127.0.0.1:${tinyControlPort}`,
      RADIUS_ANSWER_CACHE_REPEAT_MS: '500',
    });
    fr = await startFreeRadius(t.radiusUrl, RADIUS_TOKEN, { RADIUS_CONTROL_PORT: String(controlPort) });
    tiny = await startFreeRadius(t.radiusUrl, RADIUS_TOKEN, {
      RADIUS_CONTROL_PORT: String(tinyControlPort),
      RADIUS_ANSWER_CACHE_SIZE: '1',
    });
    secret = (
      await t.admin().post('/api/routers').send({ name: 'mt', vendor: 'mikrotik', nasIdentifier: 'mt-1', nasIp: '127.0.0.1' }).expect(201)
    ).body.radiusSecret;
    profileId = (await t.admin().post('/api/speed-profiles').send({ name: '10M/2M', downloadKbps: 10000, uploadKbps: 2000 }).expect(201))
      .body.id;
    customerId = (await t.admin().post('/api/customers').send({ name: 'Cache' }).expect(201)).body.id;
    for (const [username, extra] of [
      ['c.pap', {}],
      ['c.chap', {}],
      ['c.pw', {}],
      ['c.ban', {}],
      ['c.rate', {}],
      ['c.one', { maxSessions: 1 }],
      ['c.sql', {}],
      ['c.v6', { delegatedPrefix: '2001:db8:c6::/56' }],
      ['c.quota', { quotaBytes: 10_000_000 }],
      ['c.amp', { password: '&User-Name' }],
      ['c.interim', { maxSessions: 1 }],
      ['c.full1', {}],
      ['c.plan', {}],
      ['c.full2', {}],
      ['c.full3', {}],
    ] as const) {
      const res = await t
        .admin()
        .post(`/api/customers/${customerId}/accounts`)
        .send({ username, password: 'first-pw', kind: 'vpn', speedProfileId: profileId, ...(extra as object) })
        .expect(201);
      ids[username] = res.body.id;
    }
    const bus = t.app.get(PgNotifier);
    await bus.listen(ACCOUNT_CHANGED_CHANNEL, (payload) => probes.get(payload)?.());
    bus.onGap((listening) => listening || gap?.());
    // FreeRADIUS came up after the API: caching starts once the API's retry gives it an epoch.
    for (let i = 0; i < 40 && !(await cachedAfterWarmup('c.pap', 'first-pw')); i++) await new Promise((r) => setTimeout(r, 250));
    // That first contact also drops everything once more after RADIUS_ANSWER_CACHE_REPEAT_MS.
    await t.app.get(AnswerCacheControl).settled();
  }, 90_000);

  afterAll(async () => {
    await fr?.stop();
    await tiny?.stop();
    await t?.close();
  });

  async function login(user: string, password: string, mac = MAC_A, server = fr): Promise<RadReply | undefined> {
    const lines = attrLines({ 'User-Name': user, 'User-Password': password, 'Calling-Station-Id': mac, 'NAS-Identifier': 'mt-1' });
    return (await radclient(server.authPort, 'auth', secret, [lines]))[0];
  }
  const acct = (attrs: Record<string, string>) =>
    radclient(fr.acctPort, 'acct', secret, [attrLines({ 'NAS-Identifier': 'mt-1', ...attrs })]);
  async function accepts(user: string): Promise<number> {
    const res = await t.admin().get(`/api/auth-events?username=${user}&limit=200`).expect(200);
    return res.body.items.filter((e: { result: string }) => e.result === 'accept').length;
  }
  /** Logs in twice; true if the second login was answered by FreeRADIUS alone. */
  async function cachedAfterWarmup(user: string, password: string, mac = MAC_A): Promise<boolean> {
    expect((await login(user, password, mac))?.code).toBe('Access-Accept');
    const before = await accepts(user);
    expect((await login(user, password, mac))?.code).toBe('Access-Accept');
    return (await accepts(user)) === before;
  }
  /**
   * Waits until every change committed so far has been evicted, repeat included:
   * notifications arrive in commit order, so once a probe sent now has arrived, so has
   * every earlier one, and their commands are queued ahead of the probe's.
   */
  async function settle(): Promise<void> {
    const payload = `a:probe:probe-${probes.size}`;
    const heard = new Promise<void>((r) => probes.set(payload, r));
    await t.app.get(PgNotifier).notify(ACCOUNT_CHANGED_CHANNEL, payload);
    await heard;
    await t.app.get(AnswerCacheControl).settled();
  }

  it('answers a repeat PAP login from memory, with the same reply', async () => {
    const first = await login('c.pap', 'first-pw');
    const before = await accepts('c.pap');
    const again = await login('c.pap', 'first-pw');
    expect(again?.code).toBe('Access-Accept');
    expect(again?.attrs).toEqual(first?.attrs);
    expect(await accepts('c.pap')).toBe(before);
  });

  it('still checks the password on a cached answer, and reports the reject', async () => {
    const res = await login('c.pap', 'wrong-pw');
    expect(res?.code).toBe('Access-Reject');
    const events = (await t.admin().get('/api/auth-events?username=c.pap&limit=5').expect(200)).body.items;
    expect(events[0]).toMatchObject({ result: 'reject', reason: 'wrong_password' });
  });

  it('caches CHAP answers too: FreeRADIUS checks each challenge against the cached credential', async () => {
    const chap = async (password: string) =>
      (
        await radclient(fr.authPort, 'auth', secret, [
          attrLines({ 'User-Name': 'c.chap', 'CHAP-Password': password, 'Calling-Station-Id': MAC_A }),
        ])
      )[0];
    expect((await chap('first-pw'))?.code).toBe('Access-Accept');
    const before = await accepts('c.chap');
    expect((await chap('first-pw'))?.code).toBe('Access-Accept');
    expect(await accepts('c.chap')).toBe(before);
    expect((await chap('wrong-pw'))?.code).toBe('Access-Reject');
  });

  it('keys answers by router and device: another device asks the API', async () => {
    const before = await accepts('c.pap');
    expect((await login('c.pap', 'first-pw', MAC_B))?.code).toBe('Access-Accept');
    expect(await accepts('c.pap')).toBe(before + 1);
  });

  it('drops the answer when the password changes', async () => {
    expect(await cachedAfterWarmup('c.pw', 'first-pw')).toBe(true);
    await t.admin().patch(`/api/accounts/${ids['c.pw']}`).send({ password: 'second-pw' }).expect(200);
    await settle();
    expect((await login('c.pw', 'first-pw'))?.code).toBe('Access-Reject');
    expect((await login('c.pw', 'second-pw'))?.code).toBe('Access-Accept');
  });

  it('drops the answer when the account is banned', async () => {
    expect(await cachedAfterWarmup('c.ban', 'first-pw')).toBe(true);
    await t.admin().patch(`/api/accounts/${ids['c.ban']}`).send({ status: 'banned' }).expect(200);
    await settle();
    const res = await login('c.ban', 'first-pw');
    expect(res?.code).toBe('Access-Reject');
    expect(res?.attrs['Reply-Message']).toBe('Account banned');
  });

  it('drops the answer when a change is made in plain SQL', async () => {
    expect(await cachedAfterWarmup('c.sql', 'first-pw')).toBe(true);
    await sql(t.databaseUrl, `UPDATE accounts SET status = 'disabled' WHERE id = '${ids['c.sql']}'`);
    await settle();
    expect((await login('c.sql', 'first-pw'))?.code).toBe('Access-Reject');
  });

  it('drops the answer when an IPv6 prefix changes in plain SQL (it is in the reply)', async () => {
    expect(await cachedAfterWarmup('c.v6', 'first-pw')).toBe(true);
    expect((await login('c.v6', 'first-pw'))?.attrs['Delegated-IPv6-Prefix']).toBe('2001:db8:c6::/56');
    await sql(t.databaseUrl, `UPDATE accounts SET delegated_prefix = '2001:db8:c7::/56' WHERE id = '${ids['c.v6']}'`);
    await settle();
    expect((await login('c.v6', 'first-pw'))?.attrs['Delegated-IPv6-Prefix']).toBe('2001:db8:c7::/56');
  });

  it('drops the answer when a plan is set in plain SQL (every branch that replaced the trigger kept its columns)', async () => {
    const plan = await t.admin().post('/api/plans').send({ name: 'used up', dataBytes: 0 }).expect(201);
    expect(await cachedAfterWarmup('c.plan', 'first-pw')).toBe(true);
    expect((await login('c.plan', 'first-pw'))?.attrs['Mikrotik-Address-List']).toBeUndefined();
    await sql(t.databaseUrl, `UPDATE accounts SET plan_id = '${plan.body.id}' WHERE id = '${ids['c.plan']}'`);
    await settle();
    // Its data (0 bytes a period) is used up: a restricted accept now.
    expect((await login('c.plan', 'first-pw'))?.attrs['Mikrotik-Address-List']).toBe('restricted');
  });

  it('keeps answers across the device’s own session, drops them when another device starts one', async () => {
    expect(await cachedAfterWarmup('c.one', 'first-pw', MAC_A)).toBe(true);
    await acct({ 'User-Name': 'c.one', 'Acct-Session-Id': 'one-a', 'Acct-Status-Type': 'Start', 'Calling-Station-Id': MAC_A });
    await settle();
    const before = await accepts('c.one');
    expect((await login('c.one', 'first-pw', MAC_A))?.code).toBe('Access-Accept');
    expect(await accepts('c.one')).toBe(before);
    await acct({ 'User-Name': 'c.one', 'Acct-Session-Id': 'one-a', 'Acct-Status-Type': 'Stop', 'Calling-Station-Id': MAC_A });
    // Device B logs in (API) and starts a session: device A now meets max_sessions = 1.
    expect((await login('c.one', 'first-pw', MAC_B))?.code).toBe('Access-Accept');
    await acct({ 'User-Name': 'c.one', 'Acct-Session-Id': 'one-b', 'Acct-Status-Type': 'Start', 'Calling-Station-Id': MAC_B });
    await settle();
    const res = await login('c.one', 'first-pw', MAC_A);
    expect(res?.code).toBe('Access-Reject');
    expect(res?.attrs['Reply-Message']).toBe('Too many simultaneous sessions');
  });

  it('closes the same device’s older session when it starts a new one', async () => {
    await acct({ 'User-Name': 'c.pap', 'Acct-Session-Id': 'pap-1', 'Acct-Status-Type': 'Start', 'Calling-Station-Id': MAC_A });
    await acct({ 'User-Name': 'c.pap', 'Acct-Session-Id': 'pap-2', 'Acct-Status-Type': 'Start', 'Calling-Station-Id': MAC_A });
    const rows = await sql(
      t.databaseUrl,
      "SELECT acct_session_id, terminate_cause FROM sessions WHERE acct_session_id LIKE 'pap-%' ORDER BY acct_session_id",
    );
    expect(rows).toEqual([
      { acct_session_id: 'pap-1', terminate_cause: 'Session-Replaced' },
      { acct_session_id: 'pap-2', terminate_cause: null },
    ]);
  });

  it('keeps a hash of the password itself, not of whatever it names', async () => {
    // FreeRADIUS would read "&User-Name" as an attribute reference if it were expanded as text.
    expect(await cachedAfterWarmup('c.amp', '&User-Name')).toBe(true);
    expect((await login('c.amp', 'c.amp'))?.code).toBe('Access-Reject');
  });

  it('treats a session first seen on an Interim-Update (its Start was lost) as a start', async () => {
    expect(await cachedAfterWarmup('c.interim', 'first-pw', MAC_A)).toBe(true);
    await acct({ 'User-Name': 'c.interim', 'Acct-Session-Id': 'int-b', 'Acct-Status-Type': 'Interim-Update', 'Calling-Station-Id': MAC_B });
    await settle();
    const res = await login('c.interim', 'first-pw', MAC_A);
    expect(res?.attrs['Reply-Message']).toBe('Too many simultaneous sessions');
  });

  it('goes on answering through the API when the cache is full', async () => {
    for (const user of ['c.full1', 'c.full2', 'c.full3']) {
      expect((await login(user, 'first-pw', MAC_A, tiny))?.code).toBe('Access-Accept');
      expect((await login(user, 'first-pw', MAC_A, tiny))?.code).toBe('Access-Accept');
    }
  });

  it('never caches an answer that moves with usage (quota)', async () => {
    expect(await cachedAfterWarmup('c.quota', 'first-pw')).toBe(false);
  });

  it('ignores control packets that are not signed with the shared secret', async () => {
    expect(await cachedAfterWarmup('c.pap', 'first-pw')).toBe(true);
    const answered = await controlPacket('not-the-secret', ['evict c.pap']);
    expect(answered).toBe(false);
    const before = await accepts('c.pap');
    await login('c.pap', 'first-pw');
    expect(await accepts('c.pap')).toBe(before);
  });

  it('drops every answer when a speed profile changes', async () => {
    expect(await cachedAfterWarmup('c.rate', 'first-pw')).toBe(true);
    await t.admin().patch(`/api/speed-profiles/${profileId}`).send({ downloadKbps: 20000 }).expect(200);
    await settle();
    const res = await login('c.rate', 'first-pw');
    expect(res?.attrs['Mikrotik-Rate-Limit']).toBe('2000k/20000k');
  });

  it('drops every answer when a router changes (its vendor decides the reply attributes)', async () => {
    expect(await cachedAfterWarmup('c.pap', 'first-pw')).toBe(true);
    const routers = (await t.admin().get('/api/routers').expect(200)).body.items;
    await t.admin().patch(`/api/routers/${routers[0].id}`).send({ vendor: 'uspot' }).expect(200);
    await settle();
    const res = await login('c.pap', 'first-pw');
    expect(res?.attrs['WISPr-Bandwidth-Max-Down']).toBeDefined();
  });

  it('stops answering from memory when the database goes away (users fail closed)', async () => {
    expect(await cachedAfterWarmup('c.pap', 'first-pw')).toBe(true);
    const lost = new Promise<void>((r) => (gap = r));
    await withDatabaseDown(t.databaseUrl, async () => {
      await lost;
      await t.app.get(AnswerCacheControl).settled();
      expect((await login('c.pap', 'first-pw'))?.code).toBe('Access-Reject');
    });
  });

  function controlPacket(key: string, commands: string[]): Promise<boolean> {
    const packet = radius.encode({
      code: 'Access-Request',
      secret: key,
      attributes: commands.map((c) => ['Reply-Message', c]),
      add_message_authenticator: true,
    });
    const socket = createSocket('udp4');
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        socket.close();
        resolve(false);
      }, 1000);
      socket.on('message', () => {
        clearTimeout(timer);
        socket.close();
        resolve(true);
      });
      socket.send(packet, fr.controlPort, '127.0.0.1');
    });
  }
});
