import { Decision, PolicyAccount } from '../policy';

export interface AnswerTtlInput {
  decision: Decision;
  account: Pick<PolicyAccount, 'quotaBytes' | 'expiresAt' | 'profile' | 'plan' | 'pendingValiditySeconds'> | null;
  username: string;
  /** As FreeRADIUS has it; the cached answer is for this one device. */
  callingStationId: string | null;
  /** PAP: the API checked the password (true/false); CHAP/MS-CHAP: undefined. */
  passwordOk: boolean | undefined;
  now: Date;
  maxTtl: number;
}

/**
 * How long FreeRADIUS may answer this login again by itself, in seconds (0 = not at all).
 * An answer is cached only while replaying it is exactly what the API would say: the
 * API evicts it on every change to the account or a session it does not cover
 * (answer-cache-control.ts), so only what changes with the clock or with usage is
 * excluded here.
 */
export function answerTtl(i: AnswerTtlInput): number {
  const { decision: d, account: a } = i;
  if (i.maxTtl <= 0 || !a || d.result !== 'accept' || d.restrictedBy.length > 0) return 0;
  if (i.passwordOk === false) return 0;
  // The reply carries the remaining quota, which moves with every Interim-Update.
  if (a.quotaBytes !== null) return 0;
  // Plans: the time left and a validity not yet started shorten Session-Timeout as time passes.
  if (a.plan?.dataBytes != null || a.plan?.timeSeconds != null || a.pendingValiditySeconds != null) return 0;
  // FreeRADIUS keys the user by its ASCII-only tolower(); usernames never have spaces.
  if (!/^[\x21-\x7e]{1,64}$/.test(i.username) || !i.callingStationId) return 0;
  let ttl = i.maxTtl;
  if (a.expiresAt) {
    // Session-Timeout is min(profile timeout, time to expiry): constant only while the
    // expiry is further away than the profile's timeout.
    const profileTimeout = a.profile?.sessionTimeoutSeconds ?? null;
    if (profileTimeout === null) return 0;
    const slack = Math.floor((a.expiresAt.getTime() - i.now.getTime()) / 1000) - profileTimeout - 1;
    ttl = Math.min(ttl, slack);
  }
  return Math.max(ttl, 0);
}
