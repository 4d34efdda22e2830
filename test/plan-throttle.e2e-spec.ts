import { randomUUID } from 'node:crypto';
import { Clock, PeriodResetAnnouncer } from '@app/aaa';
import { createRouter, routerSessionOf, waitFor } from './support/rpc-helpers';
import { TestNas } from './support/rpc-nas';
import { radiusCall } from './support/rlm-rest';
import { startTestApp, TestApp } from './support/test-app';
import { sql } from './support/test-db';

/**
 * Issues 14 + 15 together: a plan with `onLimit: throttle`. Its period data limit is crossed
 * during a session (an Interim-Update booked by PostgreSQL's usage triggers), so the open
 * session is slowed by CoA; at the period's reset it gets its full speed back, by CoA too.
 * The NAS is the RouterOS stand-in on real UDP (test/support/rpc-nas.ts: the RouterOS manual's
 * RADIUS page, "Change of Authorization"; RFC 5176 §2.2, §3.5). Time is the API's clock;
 * accounting carries Event-Timestamp at that time, which decides the period its bytes count in.
 */
const SECRET = 'nas-shared-secret-plan-throttle-01';
const PASSWORD = 'pw-plan-throttle-1';

describe('plans that throttle at their limit (onLimit: throttle)', () => {
  let t: TestApp;
  let nas: TestNas;
  let host: string;
  let clock: jest.SpyInstance<Date, []>;
  let customerId: string;
  let fast: string;
  let slow: string;

  beforeAll(async () => {
    t = await startTestApp({ RPC_TIMEOUT_MS: '1500' });
    host = '127.0.0.93';
    nas = await new TestNas('routeros', SECRET, host).start();
    await createRouter(t, { vendor: 'mikrotik', nasIp: host, coaPort: nas.port, radiusSecret: SECRET });
    customerId = (await t.admin().post('/api/customers').send({ name: 'Throttle' }).expect(201)).body.id;
    fast = (await t.admin().post('/api/speed-profiles').send({ name: 'fast', downloadKbps: 20000, uploadKbps: 5000 }).expect(201)).body.id;
    slow = (await t.admin().post('/api/speed-profiles').send({ name: 'slow', downloadKbps: 1000, uploadKbps: 500 }).expect(201)).body.id;
    clock = jest.spyOn(t.app.get(Clock), 'now');
  }, 90_000);

  afterAll(async () => {
    clock?.mockRestore();
    await nas?.close();
    await t?.close();
  });

  const setNow = (iso: string) => clock.mockReturnValue(new Date(iso));
  const now = () => clock.getMockImplementation()!();

  async function throttlePlan(): Promise<string> {
    const body = {
      name: `FUP ${randomUUID().slice(0, 6)}`,
      speedProfileId: fast,
      dataBytes: 1000,
      period: 'daily',
      timezone: 'Europe/Berlin',
    };
    const res = await t
      .admin()
      .post('/api/plans')
      .send({ ...body, onLimit: 'throttle', throttleProfileId: slow })
      .expect(201);
    return res.body.id as string;
  }

  async function account(planId: string): Promise<{ id: string; username: string }> {
    const username = `fup.${randomUUID().slice(0, 8)}`;
    const res = await t
      .admin()
      .post(`/api/customers/${customerId}/accounts`)
      .send({ username, password: PASSWORD, kind: 'vpn', planId, maxSessions: 2 })
      .expect(201);
    return { id: res.body.id as string, username };
  }

  async function acct(username: string, acctId: string, status: string, bytes: number) {
    await radiusCall(t.url, 'accounting', host, {
      'User-Name': username,
      'Acct-Session-Id': acctId,
      'Acct-Status-Type': status,
      'Framed-IP-Address': '10.93.0.7',
      'Calling-Station-Id': '02:00:00:00:93:07',
      'Acct-Input-Octets': Math.floor(bytes / 2),
      'Acct-Output-Octets': Math.ceil(bytes / 2),
      'Acct-Session-Time': 60,
      'Event-Timestamp': Math.floor(now().getTime() / 1000),
    }).expect(204);
  }

  async function login(username: string): Promise<Record<string, unknown>> {
    const res = await radiusCall(t.radiusUrl, 'authorize', host, {
      'User-Name': username,
      'User-Password': PASSWORD,
      // Another device (maxSessions 2): the same one logging in again would replace the open session.
      'Calling-Station-Id': '02:00:00:00:93:08',
    });
    expect({ status: res.status, body: res.status === 200 ? null : res.body }).toEqual({ status: 200, body: null });
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(res.body as Record<string, { value: unknown }>)) {
      if (k.startsWith('reply:')) out[k.slice(6)] = v.value;
    }
    return out;
  }

  const coaRates = () => nas.coaRequests().map((r) => r.attributes['Mikrotik-Rate-Limit']);

  it('refuses onLimit throttle without a throttle profile, and a throttle profile that does not exist', async () => {
    const base = { name: 'bad', dataBytes: 10, period: 'daily' };
    await t
      .admin()
      .post('/api/plans')
      .send({ ...base, onLimit: 'throttle' })
      .expect(400);
    await t
      .admin()
      .post('/api/plans')
      .send({ ...base, onLimit: 'throttle', throttleProfileId: randomUUID() })
      .expect(400);
  });

  it('slows the open session by CoA when an Interim crosses the period limit, and restores full speed at the reset', async () => {
    setNow('2026-11-20T10:00:00Z');
    const acc = await account(await throttlePlan());
    // Before the limit: full speed, and no byte cap for the router to cut the session at.
    const first = await login(acc.username);
    expect(first).toMatchObject({ 'Mikrotik-Rate-Limit': '5000k/20000k' });
    expect(first).not.toHaveProperty('Mikrotik-Total-Limit');

    const acctId = `fup-${randomUUID().slice(0, 8)}`;
    await acct(acc.username, acctId, 'Start', 0);
    const [row] = await sql<{ id: string }>(t.databaseUrl, 'SELECT id FROM sessions WHERE acct_session_id = $1', [acctId]);
    nas.addSession(await routerSessionOf(t, row.id, { 'Calling-Station-Id': '02:00:00:00:93:07' }));

    setNow('2026-11-20T12:00:00Z');
    await acct(acc.username, acctId, 'Interim-Update', 1500);
    await waitFor(() => coaRates().length === 1 || null, 6000, 'the throttling CoA');
    expect(coaRates()).toEqual(['500k/1000k']);
    // A new login in the same period is throttled too.
    expect(await login(acc.username)).toMatchObject({ 'Mikrotik-Rate-Limit': '500k/1000k' });

    // Another Interim in the same period changes nothing: one CoA for one crossing.
    await acct(acc.username, acctId, 'Interim-Update', 1800);
    // Berlin's midnight: 23:00 UTC. The reset announcer brings full speed back by CoA.
    setNow('2026-11-20T23:00:30Z');
    await t.app.get(PeriodResetAnnouncer).sweep();
    await waitFor(() => coaRates().length === 2 || null, 6000, 'the reset CoA');
    expect(coaRates()).toEqual(['500k/1000k', '5000k/20000k']);
    const shown = (await t.admin().get(`/api/sessions/${row.id}`).expect(200)).body;
    expect(shown.lastCoa).toMatchObject({ reason: 'reset', result: 'ack' });
    expect(shown.stoppedAt).toBeNull();

    // Sweeping again (another instance, or the next tick) sends nothing more.
    await t.app.get(PeriodResetAnnouncer).sweep();
    await new Promise((r) => setTimeout(r, 500));
    expect(coaRates()).toHaveLength(2);
    expect(await login(acc.username)).toMatchObject({ 'Mikrotik-Rate-Limit': '5000k/20000k' });
  });

  it('a hotspot login over its plan limit is disconnected once, though every instance hears the crossing', async () => {
    const second = await startTestApp({ RPC_TIMEOUT_MS: '1500' }, t.databaseUrl);
    try {
      setNow('2026-11-21T10:00:00Z');
      jest.spyOn(second.app.get(Clock), 'now').mockReturnValue(now());
      const planId = (
        await t
          .admin()
          .post('/api/plans')
          .send({ name: 'Hotspot 1 kB', dataBytes: 1000, period: 'daily', timezone: 'Europe/Berlin' })
          .expect(201)
      ).body.id;
      const username = `hs.${randomUUID().slice(0, 8)}`;
      await t
        .admin()
        .post(`/api/customers/${customerId}/accounts`)
        .send({ username, password: PASSWORD, kind: 'hotspot', planId })
        .expect(201);
      const acctId = `hs-${randomUUID().slice(0, 8)}`;
      await acct(username, acctId, 'Start', 0);
      const [row] = await sql<{ id: string }>(t.databaseUrl, 'SELECT id FROM sessions WHERE acct_session_id = $1', [acctId]);
      nas.addSession(await routerSessionOf(t, row.id, { 'Calling-Station-Id': '02:00:00:00:93:07' }));
      const disconnects = () => nas.requests.filter((r) => r.code === 'Disconnect-Request').length;
      const before = disconnects();

      await acct(username, acctId, 'Interim-Update', 1500);
      await waitFor(() => disconnects() > before || null, 6000, 'the disconnect');
      // Both instances have had the NOTIFY long before the first disconnect finished.
      await new Promise((r) => setTimeout(r, 1000));
      expect(disconnects() - before).toBe(1);
    } finally {
      await second.close();
    }
  });
});
