import { decide, isRestricted, liveSessionTimeout, PolicyAccount, PolicyInput } from './policy';
import { profile10x2 } from './profile.fixture';

const NOW = new Date('2026-11-22T12:00:00Z');
const HOUR = 3600_000;

const account = (over: Partial<PolicyAccount> = {}): PolicyAccount => ({
  kind: 'vpn',
  group: 'user',
  status: 'active',
  staticIp: '10.0.0.2',
  delegatedPrefix: null,
  framedIpv6Prefix: null,
  expiresAt: null,
  quotaBytes: null,
  usedBytes: 0,
  maxSessions: 1,
  restrictions: [],
  profile: profile10x2({ sessionTimeoutSeconds: 86400, idleTimeoutSeconds: 600 }),
  ...over,
});

const input = (over: Partial<PolicyInput> = {}): PolicyInput => ({
  account: account(),
  passwordOk: true,
  callingStationId: 'AA:AA:AA:AA:AA:01',
  openSessions: [],
  now: NOW,
  interimInterval: 300,
  ...over,
});

describe('decide()', () => {
  it.each<[string, Partial<PolicyInput>, string]>([
    ['unknown user', { account: null }, 'unknown_user'],
    ['wrong password', { passwordOk: false }, 'wrong_password'],
    ['wrong password beats banned (no status leak)', { passwordOk: false, account: account({ status: 'banned' }) }, 'wrong_password'],
    ['banned', { account: account({ status: 'banned' }) }, 'banned'],
    ['disabled', { account: account({ status: 'disabled' }) }, 'disabled'],
    ['banned under CHAP (password unknown yet)', { passwordOk: undefined, account: account({ status: 'banned' }) }, 'banned'],
    ['another device already online', { openSessions: ['BB:BB:BB:BB:BB:02'] }, 'max_sessions'],
    ['open session without MAC counts', { openSessions: [null] }, 'max_sessions'],
    ['expired hotspot', { account: account({ kind: 'hotspot', expiresAt: new Date(NOW.getTime() - HOUR) }) }, 'expired'],
    ['hotspot quota used up', { account: account({ kind: 'hotspot', quotaBytes: 100, usedBytes: 100 }) }, 'quota_exceeded'],
    ['hotspot with unpaid flag', { account: account({ kind: 'hotspot', restrictions: ['unpaid'] }) }, 'restricted'],
  ])('rejects: %s', (_name, over, reason) => {
    expect(decide(input(over))).toMatchObject({ result: 'reject', reason });
  });

  it.each<[string, Partial<PolicyInput>, string[]]>([
    ['expired vpn', { account: account({ expiresAt: new Date(NOW.getTime() - 1) }) }, ['expired']],
    ['vpn quota used up', { account: account({ quotaBytes: 10, usedBytes: 11 }) }, ['quota_exceeded']],
    ['vpn unpaid', { account: account({ restrictions: ['unpaid'] }) }, ['unpaid']],
    ['vpn expired and unpaid', { account: account({ expiresAt: NOW, restrictions: ['unpaid'] }) }, ['expired', 'unpaid']],
  ])('restricted accept, never reject (B050): %s', (_name, over, restrictedBy) => {
    const d = decide(input(over));
    expect(d).toMatchObject({ result: 'accept', restrictedBy });
    if (d.result === 'accept') {
      expect(d.reply.framedIp).toBe('10.0.0.2');
      expect(d.reply.remainingBytes).toBeNull();
    }
  });

  const v6 = { delegatedPrefix: '2001:db8:100::/56', framedIpv6Prefix: '2001:db8:1:2::/64' };
  it.each<[string, Partial<PolicyAccount>, string | null, string | null]>([
    ['vpn', v6, '2001:db8:100::/56', '2001:db8:1:2::/64'],
    ['vpn, restricted (unpaid): prefixes kept', { ...v6, restrictions: ['unpaid'] }, '2001:db8:100::/56', '2001:db8:1:2::/64'],
    ['vpn, expired: prefixes kept', { ...v6, expiresAt: NOW }, '2001:db8:100::/56', '2001:db8:1:2::/64'],
    ['vpn without prefixes', {}, null, null],
    ['hotspot: never', { ...v6, kind: 'hotspot' }, null, null],
  ])('IPv6 prefixes: %s', (_name, over, delegated, framed) => {
    const d = decide(input({ account: account(over) }));
    expect(d.result === 'accept' && [d.reply.delegatedIpv6Prefix, d.reply.framedIpv6Prefix]).toEqual([delegated, framed]);
  });

  it('accepts with the static IP, profile timeouts and remaining quota', () => {
    const d = decide(input({ account: account({ quotaBytes: 5000, usedBytes: 1000 }) }));
    expect(d).toEqual({
      result: 'accept',
      restrictedBy: [],
      throttled: false,
      replaceSessionsOf: null,
      reply: expect.objectContaining({
        framedIp: '10.0.0.2',
        sessionTimeout: 86400,
        idleTimeout: 600,
        interimInterval: 300,
        remainingBytes: 4000,
      }),
    });
  });

  it('caps Session-Timeout at the time left until expiry', () => {
    const d = decide(input({ account: account({ expiresAt: new Date(NOW.getTime() + HOUR) }) }));
    expect(d.result === 'accept' && d.reply.sessionTimeout).toBe(3600);
  });

  it('lets the same device reconnect and marks its stale session for replacement', () => {
    const d = decide(input({ openSessions: ['AA:AA:AA:AA:AA:01'] }));
    expect(d).toMatchObject({ result: 'accept', replaceSessionsOf: 'AA:AA:AA:AA:AA:01' });
  });

  it('allows parallel devices up to maxSessions', () => {
    expect(decide(input({ account: account({ maxSessions: 2 }), openSessions: ['BB:BB:BB:BB:BB:02'] })).result).toBe('accept');
    expect(decide(input({ account: account({ maxSessions: 2 }), openSessions: ['B1', 'B2'] })).result).toBe('reject');
  });

  it('gives hotspot logins no Framed-IP-Address', () => {
    const d = decide(input({ account: account({ kind: 'hotspot' }) }));
    expect(d.result === 'accept' && d.reply.framedIp).toBeNull();
  });

  it('is deterministic for the same inputs', () => {
    const i = input({ account: account({ quotaBytes: 10, usedBytes: 3, expiresAt: new Date(NOW.getTime() + HOUR) }) });
    expect(decide(i)).toEqual(decide(i));
  });
});

describe('decide(): fair-usage throttling', () => {
  const slow = profile10x2({ downloadKbps: 512, uploadKbps: 256 });
  it.each<[string, Partial<PolicyAccount>, { throttled: boolean; restrictedBy: string[]; down: number | null; remaining: number | null }]>([
    [
      'quota left: full speed, and no byte cap (the router would cut the session at it; the API throttles by CoA)',
      { quotaBytes: 100, usedBytes: 40, throttleProfile: slow },
      { throttled: false, restrictedBy: [], down: 10000, remaining: null },
    ],
    [
      'quota used up with a throttle profile: slowed, not restricted, no cap',
      { quotaBytes: 100, usedBytes: 100, throttleProfile: slow },
      { throttled: true, restrictedBy: [], down: 512, remaining: null },
    ],
    [
      'quota used up without one: restricted as before',
      { quotaBytes: 100, usedBytes: 100, throttleProfile: null },
      { throttled: false, restrictedBy: ['quota_exceeded'], down: 10000, remaining: null },
    ],
    [
      'hotspot used up with a throttle profile: let in, slowly',
      { kind: 'hotspot', quotaBytes: 100, usedBytes: 200, throttleProfile: slow },
      { throttled: true, restrictedBy: [], down: 512, remaining: null },
    ],
    [
      'throttled and unpaid: restricted (the flag), at the throttled rate',
      { quotaBytes: 1, usedBytes: 1, throttleProfile: slow, restrictions: ['unpaid'] },
      { throttled: true, restrictedBy: ['unpaid'], down: 512, remaining: null },
    ],
    [
      'reset (usedBytes 0): back to full speed',
      { quotaBytes: 100, usedBytes: 0, throttleProfile: slow },
      { throttled: false, restrictedBy: [], down: 10000, remaining: null },
    ],
    [
      'quota left without a throttle profile: the byte cap',
      { quotaBytes: 100, usedBytes: 40, throttleProfile: null },
      { throttled: false, restrictedBy: [], down: 10000, remaining: 60 },
    ],
  ])('%s', (_name, over, want) => {
    const d = decide(input({ account: account(over) }));
    expect(d.result).toBe('accept');
    if (d.result !== 'accept') return;
    expect({
      throttled: d.throttled,
      restrictedBy: d.restrictedBy,
      down: d.reply.rate?.downloadKbps ?? null,
      remaining: d.reply.remainingBytes,
    }).toEqual(want);
  });

  it('keeps the account’s own timeouts while throttled', () => {
    const d = decide(input({ account: account({ quotaBytes: 1, usedBytes: 1, throttleProfile: slow }) }));
    expect(d.result === 'accept' && d.reply).toMatchObject({
      sessionTimeout: 86400,
      idleTimeout: 600,
      rate: { downloadKbps: 512, idleTimeoutSeconds: 600 },
    });
  });
});

describe('liveSessionTimeout(): Session-Timeout for an open session, counted from its start', () => {
  const started = new Date(NOW.getTime() - HOUR); // online for an hour
  it.each<[string, Partial<PolicyAccount>, boolean, number | null]>([
    ['the profile cap alone', {}, false, 86400],
    ['expiry in 30 min: the hour online plus 30 min', { expiresAt: new Date(NOW.getTime() + HOUR / 2) }, false, 5400],
    ['expiry beyond the cap: the cap', { expiresAt: new Date(NOW.getTime() + 48 * HOUR) }, false, 86400],
    ['restricted: expiry does not count', { expiresAt: new Date(NOW.getTime() + HOUR / 2) }, true, 86400],
    ['expired already: the cap (the restriction handles it)', { expiresAt: new Date(NOW.getTime() - 1) }, false, 86400],
    ['no profile, no expiry: none', { profile: null }, false, null],
  ])('%s', (_name, over, restricted, want) => {
    expect(liveSessionTimeout(account(over), restricted, started, NOW)).toBe(want);
  });
});

describe('isRestricted(): what AccountsService compares before and after a change', () => {
  type Limits = Parameters<typeof isRestricted>[0];
  const base: Limits = { expiresAt: null, quotaBytes: null, usedBytes: 0, restrictions: [], throttle: false };
  it.each<[string, Partial<Limits>, boolean]>([
    ['nothing', {}, false],
    ['a flag', { restrictions: ['unpaid'] }, true],
    ['expired', { expiresAt: NOW }, true],
    ['quota used up', { quotaBytes: 10, usedBytes: 10 }, true],
    ['quota used up with a throttle profile: throttled, not restricted', { quotaBytes: 10, usedBytes: 10, throttle: true }, false],
    ['quota left', { quotaBytes: 10, usedBytes: 9 }, false],
  ])('%s', (_name, over, want) => {
    expect(isRestricted({ ...base, ...over }, NOW)).toBe(want);
  });
});

describe('decide() on a plan (issue 14)', () => {
  const period = { start: new Date('2026-11-22T00:00:00Z'), end: new Date('2026-11-23T00:00:00Z') };
  const plan = (over: Partial<NonNullable<PolicyAccount['plan']>> = {}): PolicyAccount['plan'] => ({
    dataBytes: 1000,
    timeSeconds: 3600,
    usedBytes: 0,
    usedSeconds: 0,
    period,
    ...over,
  });
  const afterReset = new Date('2026-11-23T00:00:00Z');

  it.each<[string, Partial<PolicyAccount>, Date, string | string[]]>([
    ['hotspot: data used up in this period', { kind: 'hotspot', plan: plan({ usedBytes: 1000 }) }, NOW, 'quota_exceeded'],
    ['hotspot: time used up in this period', { kind: 'hotspot', plan: plan({ usedSeconds: 3600 }) }, NOW, 'time_exceeded'],
    ['vpn: data used up, restricted accept', { plan: plan({ usedBytes: 5000 }) }, NOW, ['quota_exceeded']],
    ['vpn: both used up', { plan: plan({ usedBytes: 1000, usedSeconds: 4000 }) }, NOW, ['quota_exceeded', 'time_exceeded']],
    [
      'hotspot: the period ended, a new one has nothing used',
      { kind: 'hotspot', plan: plan({ usedBytes: 1000, usedSeconds: 9999 }) },
      afterReset,
      [],
    ],
    ['before the period (clock set back) counts nothing either', { plan: plan({ usedBytes: 1000 }) }, new Date('2026-11-21T23:59:59Z'), []],
    ['the lifetime quota still applies on a plan', { quotaBytes: 10, usedBytes: 10, plan: plan() }, NOW, ['quota_exceeded']],
    ['no limits on the plan', { kind: 'hotspot', plan: plan({ dataBytes: null, timeSeconds: null, usedBytes: 1e12 }) }, NOW, []],
  ])('%s', (_, over, now, expected) => {
    const d = decide(input({ account: account(over), now }));
    if (typeof expected === 'string') expect(d).toMatchObject({ result: 'reject', reason: expected });
    else expect(d).toMatchObject({ result: 'accept', restrictedBy: expected });
  });

  it('bounds Session-Timeout by the time left, and sends the data left', () => {
    const d = decide(input({ account: account({ plan: plan({ usedBytes: 400, usedSeconds: 3000 }) }) }));
    expect(d).toMatchObject({ result: 'accept', reply: { sessionTimeout: 600, remainingBytes: 600 } });
  });

  it('starts a new period in full', () => {
    const d = decide(input({ account: account({ plan: plan({ usedBytes: 999, usedSeconds: 3599 }) }), now: afterReset }));
    expect(d).toMatchObject({ result: 'accept', reply: { sessionTimeout: 3600, remainingBytes: 1000 } });
  });

  it('sends the smaller of the lifetime and the period data left', () => {
    const d = decide(input({ account: account({ quotaBytes: 10_000, usedBytes: 9_900, plan: plan({ usedBytes: 0 }) }) }));
    expect(d).toMatchObject({ reply: { remainingBytes: 100 } });
  });

  it('bounds Session-Timeout by a validity that starts at this first login', () => {
    const d = decide(input({ account: account({ plan: plan({ timeSeconds: null }), pendingValiditySeconds: 1800 }) }));
    expect(d).toMatchObject({ result: 'accept', reply: { sessionTimeout: 1800 } });
  });

  it('bounds Session-Timeout by the validity end', () => {
    const d = decide(input({ account: account({ plan: plan(), expiresAt: new Date(NOW.getTime() + 120_000) }) }));
    expect(d).toMatchObject({ result: 'accept', reply: { sessionTimeout: 120 } });
  });

  it('ends a login restricted by the period limits at the reset, and sends it no remaining data', () => {
    const d = decide(input({ account: account({ plan: plan({ usedBytes: 1000, usedSeconds: 10 }) }) }));
    // NOW is noon; the period ends at midnight.
    expect(d).toMatchObject({ result: 'accept', restrictedBy: ['quota_exceeded'], reply: { sessionTimeout: 43200, remainingBytes: null } });
  });

  it.each<[string, Partial<PolicyAccount>]>([
    ['the lifetime quota is used up too', { quotaBytes: 10, usedBytes: 10 }],
    ['it is expired too', { expiresAt: new Date(NOW.getTime() - 1) }],
    ['a restriction flag holds too', { restrictions: ['unpaid'] }],
  ])('does not end a restricted login at the reset when %s', (_, over) => {
    const d = decide(input({ account: account({ plan: plan({ usedBytes: 1000 }), ...over }) }));
    expect(d).toMatchObject({ result: 'accept', reply: { sessionTimeout: 86400 } });
  });
});

describe('decide(): a plan that throttles at its period data limit', () => {
  const slow = profile10x2({ downloadKbps: 512, uploadKbps: 256 });
  const period = { start: new Date(NOW.getTime() - 12 * HOUR), end: new Date(NOW.getTime() + 12 * HOUR) };
  const plan = (usedBytes: number, usedSeconds = 0): PolicyAccount['plan'] => ({
    dataBytes: 1000,
    timeSeconds: 3600,
    usedBytes,
    usedSeconds,
    period,
  });
  it.each<[string, Partial<PolicyAccount>, { result: string; throttled?: boolean; restrictedBy?: string[]; down?: number }]>([
    [
      'data left: full speed',
      { plan: plan(10), throttleProfile: slow },
      { result: 'accept', throttled: false, restrictedBy: [], down: 10000 },
    ],
    [
      'data used up: slowed',
      { plan: plan(1000), throttleProfile: slow },
      { result: 'accept', throttled: true, restrictedBy: [], down: 512 },
    ],
    [
      'hotspot, data used up: let in slowly',
      { kind: 'hotspot', plan: plan(5000), throttleProfile: slow },
      { result: 'accept', throttled: true },
    ],
    [
      'time used up: restricted, slowing down gives no time back',
      { plan: plan(1000, 3600), throttleProfile: slow },
      { result: 'accept', throttled: true, restrictedBy: ['time_exceeded'] },
    ],
  ])('%s', (_name, over, want) => {
    const d = decide(input({ account: account(over) }));
    expect({ ...d, down: d.result === 'accept' ? d.reply.rate?.downloadKbps : undefined }).toMatchObject(want);
  });

  it('a throttled login is not cut at the reset (a CoA brings the speed back)', () => {
    // No time limit: the reset (12 h away) would be the smallest timeout if it counted.
    const d = decide(input({ account: account({ plan: { ...plan(1000)!, timeSeconds: null }, throttleProfile: slow }) }));
    expect(d).toMatchObject({ result: 'accept', reply: { sessionTimeout: 86400 } });
  });
});
