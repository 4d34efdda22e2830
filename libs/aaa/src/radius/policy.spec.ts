import { decide, PolicyAccount, PolicyInput } from './policy';
import { profile10x2 } from './profile.fixture';

const NOW = new Date('2026-11-22T12:00:00Z');
const HOUR = 3600_000;

const account = (over: Partial<PolicyAccount> = {}): PolicyAccount => ({
  kind: 'vpn',
  group: 'user',
  status: 'active',
  staticIp: '10.0.0.2',
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

  it('accepts with the static IP, profile timeouts and remaining quota', () => {
    const d = decide(input({ account: account({ quotaBytes: 5000, usedBytes: 1000 }) }));
    expect(d).toEqual({
      result: 'accept',
      restrictedBy: [],
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
