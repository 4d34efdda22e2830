import { afterFailure, FailureState, lockedAt, LOCKOUT } from './lockout-policy';

const T0 = new Date('2026-12-01T10:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const state = (failures: number, firstMin: number, lockedMin: number | null): FailureState => ({
  failures,
  firstFailureAt: at(firstMin),
  lockedUntil: lockedMin === null ? null : at(lockedMin),
});

describe('sign-in lockout policy (5 failures in 15 minutes lock the email for 15 minutes)', () => {
  it('is the documented policy', () => expect(LOCKOUT).toEqual({ maxFailures: 5, windowMs: 900_000, lockMs: 900_000 }));

  it.each([
    ['the first failure', null, 0, state(1, 0, null)],
    ['the fourth, within the window', state(3, 0, null), 10, state(4, 0, null)],
    ['the fifth locks', state(4, 0, null), 14, state(5, 0, 29)],
    ['a failure after the window starts over', state(4, 0, null), 15, state(1, 15, null)],
    ['a failure that raced the locking one leaves the lock as it is', state(5, 0, 29), 20, state(5, 0, 29)],
    ['a failure after the lock ran out starts over', state(5, 0, 29), 29, state(1, 29, null)],
  ])('%s', (_, before, minute, expected) => {
    expect(afterFailure(before, at(minute))).toEqual(expected);
  });

  it.each([
    [null, 0, null],
    [state(4, 0, null), 1, null],
    [state(5, 0, 29), 28, at(29)],
    [state(5, 0, 29), 29, null],
  ])('lockedAt(%j, +%i min) → %j', (s, minute, expected) => {
    expect(lockedAt(s, at(minute))).toEqual(expected);
  });
});
