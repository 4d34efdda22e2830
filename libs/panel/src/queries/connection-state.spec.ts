import { connectionState, StateInput } from './connection-state';

const NOW = new Date('2026-12-01T12:00:00Z');
const base: StateInput = { status: 'active', expiresAt: null, quotaBytes: null, usedBytes: 0, restrictions: [] };

describe('connectionState()', () => {
  it.each([
    ['active, no limits', {}, 'active'],
    ['banned beats everything', { status: 'banned', expiresAt: new Date(0), restrictions: ['unpaid'] }, 'banned'],
    ['disabled', { status: 'disabled' }, 'disabled'],
    ['expired a second ago', { expiresAt: new Date(NOW.getTime() - 1000) }, 'expired'],
    ['expiring later', { expiresAt: new Date(NOW.getTime() + 1000) }, 'active'],
    ['quota used up exactly', { quotaBytes: 100, usedBytes: 100 }, 'quota_exceeded'],
    ['quota not yet used up', { quotaBytes: 100, usedBytes: 99 }, 'active'],
    ['expiry before quota', { expiresAt: new Date(0), quotaBytes: 1, usedBytes: 5 }, 'expired'],
    ['an unpaid flag', { restrictions: ['unpaid'] }, 'restricted'],
  ] as [string, Partial<StateInput>, string][])('%s → %s', (_, fields, expected) => {
    expect(connectionState({ ...base, ...fields }, NOW)).toBe(expected);
  });
});
