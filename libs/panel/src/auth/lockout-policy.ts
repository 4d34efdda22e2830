/**
 * When repeated failed sign-ins lock an email out. Keyed by the email typed (an HMAC of
 * it), whether a login exists for it or not, so locked and not locked look the same for
 * every email and a lockout tells an attacker nothing. Pure; the state lives in
 * `panel_sign_in_failures` (SignInLockout).
 */
export interface LockoutPolicy {
  /** Failures within `windowMs` that lock the email… */
  maxFailures: number;
  windowMs: number;
  /** …for this long. */
  lockMs: number;
}

export const LOCKOUT: LockoutPolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

export interface FailureState {
  failures: number;
  firstFailureAt: Date;
  lockedUntil: Date | null;
}

/** The end of the lock in force at `now`, or null. */
export function lockedAt(state: FailureState | null, now: Date): Date | null {
  return state?.lockedUntil && state.lockedUntil > now ? state.lockedUntil : null;
}

/** The state after one more failure at `now`: a new window once the last one (or its lock) is over. */
export function afterFailure(state: FailureState | null, now: Date, policy: LockoutPolicy = LOCKOUT): FailureState {
  // A failure that raced the one which locked (both checked before it) leaves the lock as it is.
  if (state && lockedAt(state, now)) return state;
  const fresh =
    !state || (state.lockedUntil !== null && state.lockedUntil <= now) || now.getTime() - state.firstFailureAt.getTime() >= policy.windowMs;
  const failures = fresh ? 1 : state.failures + 1;
  const firstFailureAt = fresh ? now : state.firstFailureAt;
  const lockedUntil = failures >= policy.maxFailures ? new Date(now.getTime() + policy.lockMs) : null;
  return { failures, firstFailureAt, lockedUntil };
}
