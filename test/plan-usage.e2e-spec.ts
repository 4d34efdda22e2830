import { Clock } from '@app/aaa';
import { periodAt, PeriodSpec } from '../libs/aaa/src/plans/period';
import { PERIOD_CASES } from '../libs/aaa/src/plans/period-cases';
import { attrLines, FreeRadius, radclient, RadReply, startFreeRadius } from './support/freeradius';
import { sql } from './support/test-db';
import { RADIUS_TOKEN, startTestApp, TestApp } from './support/test-app';

const GIB = 2 ** 30;
const GIGA = 2 ** 32;
const PASSWORD = 'plan-pw-0123';
const NAS = '127.0.0.61';
const NAS_ID = 'mt-plans';
const USPOT = '127.0.0.62';
const USPOT_ID = 'uspot-plans';

/**
 * Issue 14, the whole path with real parts: radclient as a MikroTik, FreeRADIUS with the
 * project's overlay, the API, PostgreSQL's booking triggers. Time is the API's injectable
 * clock; accounting carries Event-Timestamp at that time, which is when its bytes count.
 */
describe('plans: per-period usage through FreeRADIUS', () => {
  let t: TestApp;
  let fr: FreeRadius;
  let secret: string;
  let uspotSecret: string;
  let customerId: string;
  let clock: jest.SpyInstance<Date, []>;

  beforeAll(async () => {
    t = await startTestApp();
    fr = await startFreeRadius(t.radiusUrl, RADIUS_TOKEN);
    secret = (await t.admin().post('/api/routers').send({ name: 'mt', vendor: 'mikrotik', nasIdentifier: NAS_ID, nasIp: NAS }).expect(201))
      .body.radiusSecret;
    uspotSecret = (
      await t.admin().post('/api/routers').send({ name: 'us', vendor: 'uspot', nasIdentifier: USPOT_ID, nasIp: USPOT }).expect(201)
    ).body.radiusSecret;
    customerId = (await t.admin().post('/api/customers').send({ name: 'Plans' }).expect(201)).body.id;
    clock = jest.spyOn(t.app.get(Clock), 'now');
  }, 90_000);

  afterAll(async () => {
    clock?.mockRestore();
    await fr?.stop();
    await t?.close();
  });

  const setNow = (iso: string) => clock.mockReturnValue(new Date(iso));
  const plan = async (body: Record<string, unknown>) => (await t.admin().post('/api/plans').send(body).expect(201)).body;
  const account = async (username: string, kind: 'vpn' | 'hotspot', planId: string) =>
    (await t.admin().post(`/api/customers/${customerId}/accounts`).send({ username, password: PASSWORD, kind, planId }).expect(201)).body;
  const mac = (user: string) => `02-00-00-00-${user.length.toString(16).padStart(2, '0')}-${user.charCodeAt(0).toString(16)}`;
  const login = async (user: string, router: 'mikrotik' | 'uspot' = 'mikrotik'): Promise<RadReply> => {
    const [ip, nasId, key] = router === 'mikrotik' ? [NAS, NAS_ID, secret] : [USPOT, USPOT_ID, uspotSecret];
    const [reply] = await radclient(fr.authPort, 'auth', key, [
      attrLines({
        'Packet-Src-IP-Address': ip,
        'User-Name': user,
        'User-Password': PASSWORD,
        'NAS-Identifier': nasId,
        'Calling-Station-Id': mac(user),
      }),
    ]);
    expect(reply).toBeDefined();
    return reply;
  };
  /** An accounting packet sent now (clock time) with these session totals. */
  const acct = async (user: string, sessionId: string, status: string, bytes = 0, seconds = 0) => {
    const [reply] = await radclient(fr.acctPort, 'acct', secret, [
      attrLines({
        'Packet-Src-IP-Address': NAS,
        'User-Name': user,
        'NAS-Identifier': NAS_ID,
        'Acct-Status-Type': status,
        'Acct-Session-Id': sessionId,
        'Calling-Station-Id': mac(user),
        'Acct-Input-Octets': Math.floor(bytes / 2) % GIGA,
        'Acct-Input-Gigawords': Math.floor(Math.floor(bytes / 2) / GIGA),
        'Acct-Output-Octets': Math.ceil(bytes / 2) % GIGA,
        'Acct-Output-Gigawords': Math.floor(Math.ceil(bytes / 2) / GIGA),
        'Acct-Session-Time': seconds,
        'Event-Timestamp': Math.floor(clock.getMockImplementation()!().getTime() / 1000),
      }),
    ]);
    expect(reply?.code).toBe('Accounting-Response');
  };
  const usage = async (id: string, period?: string) =>
    (
      await t
        .admin()
        .get(`/api/accounts/${id}/usage${period ? `?period=${period}` : ''}`)
        .expect(200)
    ).body;

  it('PostgreSQL books into the same periods the API computes (aaa_plan_period vs periodAt)', async () => {
    const extra: [PeriodSpec, string][] = [
      // Zones whose DST changes at midnight: the day starts after the gap in both.
      [{ period: 'daily', timezone: 'America/Santiago', anchor: new Date(0) }, '2026-09-06T12:00:00Z'],
      [{ period: 'daily', timezone: 'America/Havana', anchor: new Date(0) }, '2026-03-08T12:00:00Z'],
      [{ period: 'weekly', timezone: 'Australia/Lord_Howe', anchor: new Date(0) }, '2026-10-04T12:00:00Z'],
      [{ period: 'monthly', timezone: 'Pacific/Chatham', anchor: new Date(0) }, '2026-04-10T12:00:00Z'],
    ];
    const cases: [PeriodSpec, string][] = [...PERIOD_CASES.map(([, spec, at]) => [spec, at] as [PeriodSpec, string]), ...extra];
    for (const [spec, at] of cases) {
      const [row] = await sql<{ s: Date; e: Date }>(
        t.databaseUrl,
        'SELECT period_start AS s, period_end AS e FROM aaa_plan_period($1, $2, $3, $4)',
        [spec.period, spec.timezone, spec.anchor, new Date(at)],
      );
      const p = periodAt(spec, new Date(at));
      expect({ spec, at, start: row.s.toISOString(), end: row.e.toISOString() }).toEqual({
        spec,
        at,
        start: p.start.toISOString(),
        end: p.end.toISOString(),
      });
    }
  });

  it('daily data limit (Europe/Berlin): used up → reject / restricted → midnight → accept; a session spanning the reset is split', async () => {
    const daily = await plan({ name: 'Daily 6 GiB', dataBytes: 6 * GIB, period: 'daily', timezone: 'Europe/Berlin' });
    const hot = await account('hot.daily', 'hotspot', daily.id);
    const vpn = await account('vpn.daily', 'vpn', daily.id);

    setNow('2026-11-10T10:00:00Z');
    const first = await login('hot.daily');
    expect(first.code).toBe('Access-Accept');
    // 6 GiB left: one gigaword and 2 GiB, as RouterOS reads Mikrotik-Total-Limit(-Gigawords).
    expect(first.attrs).toMatchObject({ 'Mikrotik-Total-Limit': String(2 * GIB), 'Mikrotik-Total-Limit-Gigawords': '1' });
    // The same through uspot, in ChilliSpot's attributes (radclient's dictionary has no name
    // for ChilliSpot-Max-Total-Gigawords, vendor 14559 type 23: see ROUTER_WIRE).
    const viaUspot = await login('hot.daily', 'uspot');
    expect(viaUspot.attrs['ChilliSpot-Max-Total-Octets']).toBe(String(2 * GIB));
    expect(viaUspot.raw).toMatch(/Attr-26\.14559\.23 = 0x00000001\n/);
    for (const [user, session] of [
      ['hot.daily', 'h-1'],
      ['vpn.daily', 'v-1'],
    ]) {
      await acct(user, session, 'Start');
      setNow('2026-11-10T10:30:00Z');
      await acct(user, session, 'Interim-Update', 6 * GIB, 1800);
      setNow('2026-11-10T10:00:00Z');
    }
    setNow('2026-11-10T10:31:00Z');
    expect(await usage(hot.id)).toMatchObject({
      planId: daily.id,
      period: 'daily',
      timezone: 'Europe/Berlin',
      usedBytes: 6 * GIB,
      dataLimitBytes: 6 * GIB,
      remainingBytes: 0,
      usedSeconds: 1800,
      periodStart: '2026-11-09T23:00:00.000Z',
      periodEnd: '2026-11-10T23:00:00.000Z',
      nextReset: '2026-11-10T23:00:00.000Z',
    });

    const rejected = await login('hot.daily');
    expect([rejected.code, rejected.attrs['Reply-Message']]).toEqual(['Access-Reject', 'Data quota used up']);
    const restricted = await login('vpn.daily');
    expect(restricted.code).toBe('Access-Accept');
    expect(restricted.attrs['Mikrotik-Address-List']).toBe(t.config.restrictedAddressList);
    expect(restricted.attrs['Mikrotik-Total-Limit']).toBeUndefined();
    // It ends at Berlin midnight (23:00Z), so the router logs it in again, normally.
    expect(restricted.attrs['Session-Timeout']).toBe(String(12 * 3600 + 29 * 60));

    // The open session reports 100 bytes before Berlin midnight and 200 after it.
    setNow('2026-11-10T22:55:00Z');
    await acct('hot.daily', 'h-1', 'Interim-Update', 6 * GIB + 100, 46500);
    setNow('2026-11-10T23:05:00Z');
    await acct('hot.daily', 'h-1', 'Interim-Update', 6 * GIB + 300, 47100);
    expect(await usage(hot.id)).toMatchObject({ usedBytes: 200, usedSeconds: 600, periodStart: '2026-11-10T23:00:00.000Z' });
    expect(await usage(hot.id, '2026-11-10')).toMatchObject({
      usedBytes: 6 * GIB + 100,
      usedSeconds: 46500,
      periodStart: '2026-11-09T23:00:00.000Z',
      nextReset: null,
    });

    // Next login after the reset: normal again, with no admin action.
    const again = await login('hot.daily');
    expect(again.code).toBe('Access-Accept');
    expect(again.attrs).toMatchObject({ 'Mikrotik-Total-Limit': String(2 * GIB - 200), 'Mikrotik-Total-Limit-Gigawords': '1' });
    // The vpn account reported nothing since: its cached usage belongs to the old day.
    const vpnAgain = await login('vpn.daily');
    expect(vpnAgain.code).toBe('Access-Accept');
    expect(vpnAgain.attrs['Mikrotik-Address-List']).toBeUndefined();
    expect(vpnAgain.attrs).toMatchObject({ 'Mikrotik-Total-Limit': String(2 * GIB), 'Mikrotik-Total-Limit-Gigawords': '1' });
    expect(await usage(vpn.id)).toMatchObject({ usedBytes: 0, remainingBytes: 6 * GIB, nextReset: '2026-11-11T23:00:00.000Z' });

    // Exact: every byte the function added to the lifetime counter is in some period.
    const [sum] = await sql<{ periods: string; lifetime: string }>(
      t.databaseUrl,
      `SELECT (SELECT sum(bytes) FROM account_usage WHERE account_id = $1) AS periods,
              (SELECT used_bytes FROM accounts WHERE id = $1) AS lifetime`,
      [hot.id],
    );
    expect(Number(sum.periods)).toBe(Number(sum.lifetime));
  });

  it('time quota (monthly, America/New_York) bounds Session-Timeout, and resets at local midnight after the DST change', async () => {
    const profile = (
      await t
        .admin()
        .post('/api/speed-profiles')
        .send({ name: 'long', downloadKbps: 1000, uploadKbps: 1000, sessionTimeoutSeconds: 7200 })
        .expect(201)
    ).body;
    const monthly = await plan({
      name: 'Hour a month',
      timeSeconds: 3600,
      period: 'monthly',
      timezone: 'America/New_York',
      speedProfileId: profile.id,
    });
    const hot = await account('hot.hour', 'hotspot', monthly.id);

    setNow('2026-11-20T15:00:00Z');
    expect((await login('hot.hour')).attrs['Session-Timeout']).toBe('3600');
    await acct('hot.hour', 't-1', 'Start');
    setNow('2026-11-20T15:50:00Z');
    await acct('hot.hour', 't-1', 'Interim-Update', 1000, 3000);
    const bounded = await login('hot.hour');
    expect([bounded.code, bounded.attrs['Session-Timeout']]).toEqual(['Access-Accept', '600']);
    setNow('2026-11-20T16:00:00Z');
    await acct('hot.hour', 't-1', 'Stop', 1000, 3600);
    const used = await login('hot.hour');
    expect([used.code, used.attrs['Reply-Message']]).toEqual(['Access-Reject', 'Time quota used up']);
    expect(await usage(hot.id)).toMatchObject({
      usedSeconds: 3600,
      timeLimitSeconds: 3600,
      remainingSeconds: 0,
      // EDT when November starts, EST when December does.
      periodStart: '2026-11-01T04:00:00.000Z',
      nextReset: '2026-12-01T05:00:00.000Z',
    });

    setNow('2026-12-01T04:59:59Z');
    expect((await login('hot.hour')).code).toBe('Access-Reject');
    setNow('2026-12-01T05:00:00Z');
    const reset = await login('hot.hour');
    expect([reset.code, reset.attrs['Session-Timeout']]).toEqual(['Access-Accept', '3600']);
    expect(await usage(hot.id, '2026-11')).toMatchObject({ usedSeconds: 3600, periodStart: '2026-11-01T04:00:00.000Z' });
  });

  it('validity from first login, and anniversary periods on the 31st', async () => {
    const ninety = 90 * 86400;
    const monthly = await plan({
      name: 'Voucher 90 days',
      dataBytes: 1000,
      period: 'anniversary',
      validitySeconds: ninety,
      validFrom: 'first_login',
    });
    const hot = await account('hot.31st', 'hotspot', monthly.id);

    setNow('2026-01-31T10:00:00Z');
    const first = await login('hot.31st');
    expect([first.code, first.attrs['Session-Timeout']]).toEqual(['Access-Accept', String(ninety)]);
    await acct('hot.31st', 'a-1', 'Start');
    expect((await t.admin().get(`/api/accounts/${hot.id}`).expect(200)).body.firstLoginAt).toBe('2026-01-31T10:00:00.000Z');

    setNow('2026-02-27T10:00:00Z');
    await acct('hot.31st', 'a-1', 'Stop', 1000, 3600);
    expect((await login('hot.31st')).code).toBe('Access-Reject');
    expect(await usage(hot.id)).toMatchObject({
      usedBytes: 1000,
      periodStart: '2026-01-31T00:00:00.000Z',
      nextReset: '2026-02-28T00:00:00.000Z',
      validUntil: '2026-05-01T10:00:00.000Z',
    });

    setNow('2026-02-28T00:00:00Z');
    const next = await login('hot.31st');
    // Bounded by the validity end: May 1 10:00 is 62 days and 10 hours away.
    expect([next.code, next.attrs['Session-Timeout']]).toEqual(['Access-Accept', String(62 * 86400 + 36000)]);
    expect(await usage(hot.id)).toMatchObject({ usedBytes: 0, nextReset: '2026-03-31T00:00:00.000Z' });

    setNow('2026-05-01T10:00:00Z');
    const expired = await login('hot.31st');
    expect([expired.code, expired.attrs['Reply-Message']]).toEqual(['Access-Reject', 'Account expired']);
  });
});
