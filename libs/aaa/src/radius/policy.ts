/**
 * The RADIUS decision as a pure function: same inputs (including `now`), same answer.
 * B050: reject is reserved for disabled/banned/abuse; expiry, quota and unpaid flags
 * give vpn logins a restricted accept (portal-only) instead.
 */
export type Kind = 'vpn' | 'hotspot';

export interface PolicyAccount {
  kind: Kind;
  group: 'user' | 'admin';
  status: 'active' | 'disabled' | 'banned';
  staticIp: string | null;
  /** IPv6 prefixes, `2001:db8:100::/56` (vpn accounts). */
  delegatedPrefix: string | null;
  framedIpv6Prefix: string | null;
  expiresAt: Date | null;
  quotaBytes: number | null;
  usedBytes: number;
  maxSessions: number;
  restrictions: string[];
  profile: SpeedLimits | null;
  /**
   * Fair usage: the rate once the quota is used up. With one, a used-up quota slows the login
   * down to it instead of restricting it (hotspot logins are let in, slowly, instead of rejected).
   */
  throttleProfile?: SpeedLimits | null;
}

export interface SpeedLimits {
  downloadKbps: number;
  uploadKbps: number;
  burstDownloadKbps: number | null;
  burstUploadKbps: number | null;
  burstThresholdPercent: number | null;
  burstTimeSeconds: number | null;
  sessionTimeoutSeconds: number | null;
  idleTimeoutSeconds: number | null;
}

export interface PolicyInput {
  account: PolicyAccount | null;
  /** undefined: FreeRADIUS checks the password (CHAP/MS-CHAP); boolean: the API checked it (PAP). */
  passwordOk: boolean | undefined;
  callingStationId: string | null;
  /** Calling-Station-Ids of the account's open sessions. */
  openSessions: (string | null)[];
  now: Date;
  interimInterval: number;
}

export type RejectReason =
  'unknown_user' | 'wrong_password' | 'banned' | 'disabled' | 'max_sessions' | 'expired' | 'quota_exceeded' | 'restricted';
export type RestrictReason = 'expired' | 'quota_exceeded' | string;

export interface ReplyPlan {
  framedIp: string | null;
  /** Kept in restricted mode, like framedIp: the portal redirect works over IPv6 too. */
  delegatedIpv6Prefix: string | null;
  framedIpv6Prefix: string | null;
  sessionTimeout: number | null;
  idleTimeout: number | null;
  interimInterval: number;
  rate: PolicyAccount['profile'];
  remainingBytes: number | null;
}

export type Decision =
  | { result: 'reject'; reason: RejectReason; message: string }
  | { result: 'accept'; restrictedBy: RestrictReason[]; throttled: boolean; reply: ReplyPlan; replaceSessionsOf: string | null };

/** The wrong-password text is repeated in freeradius/overlay/policy.d/aaa (aaa_bad_password): keep them equal. */
const MESSAGES: Record<RejectReason, string> = {
  unknown_user: 'Login failed: wrong username or password',
  wrong_password: 'Login failed: wrong username or password',
  banned: 'Account banned',
  disabled: 'Account disabled',
  max_sessions: 'Too many simultaneous sessions',
  expired: 'Account expired',
  quota_exceeded: 'Data quota used up',
  restricted: 'Account restricted',
};

const reject = (reason: RejectReason): Decision => ({ result: 'reject', reason, message: MESSAGES[reason] });

export function decide(input: PolicyInput): Decision {
  const { account: a, now } = input;
  if (!a) return reject('unknown_user');
  if (input.passwordOk === false) return reject('wrong_password');
  if (a.status === 'banned') return reject('banned');
  if (a.status === 'disabled') return reject('disabled');

  // The same device reconnecting replaces its own stale session instead of counting against the limit.
  const sameDevice = input.callingStationId !== null && input.openSessions.includes(input.callingStationId);
  const others = input.openSessions.filter((mac) => mac === null || mac !== input.callingStationId).length;
  if (others >= a.maxSessions) return reject('max_sessions');

  const limits: RestrictReason[] = [];
  if (a.expiresAt && a.expiresAt.getTime() <= now.getTime()) limits.push('expired');
  const quotaUsedUp = a.quotaBytes !== null && a.usedBytes >= a.quotaBytes;
  const throttled = quotaUsedUp && !!a.throttleProfile;
  if (quotaUsedUp && !throttled) limits.push('quota_exceeded');
  if (a.kind === 'hotspot') {
    if (limits.length) return reject(limits[0] as RejectReason);
    if (a.restrictions.length) return reject('restricted');
  }
  const restrictedBy = [...limits, ...a.restrictions];
  return {
    result: 'accept',
    restrictedBy,
    throttled,
    replaceSessionsOf: sameDevice ? input.callingStationId : null,
    reply: replyPlan(a, input, restrictedBy.length > 0, throttled),
  };
}

/**
 * Throttled: the throttle profile's rates, the account's own timeouts (slowing down must not
 * cut a session sooner), and no byte cap (the quota is used up; the rate is the limit now).
 */
function replyPlan(a: PolicyAccount, input: PolicyInput, restricted: boolean, throttled: boolean): ReplyPlan {
  const untilExpiry = a.expiresAt && !restricted ? Math.floor((a.expiresAt.getTime() - input.now.getTime()) / 1000) : null;
  const timeouts = [a.profile?.sessionTimeoutSeconds ?? null, untilExpiry].filter((v): v is number => v !== null && v > 0);
  return {
    framedIp: a.kind === 'vpn' ? a.staticIp : null,
    delegatedIpv6Prefix: a.kind === 'vpn' ? a.delegatedPrefix : null,
    framedIpv6Prefix: a.kind === 'vpn' ? a.framedIpv6Prefix : null,
    sessionTimeout: timeouts.length ? Math.min(...timeouts) : null,
    idleTimeout: a.profile?.idleTimeoutSeconds ?? null,
    interimInterval: input.interimInterval,
    rate: throttled ? throttledRate(a.throttleProfile!, a.profile) : a.profile,
    remainingBytes: a.quotaBytes !== null && !restricted && !throttled ? Math.max(a.quotaBytes - a.usedBytes, 0) : null,
  };
}

function throttledRate(throttle: SpeedLimits, own: SpeedLimits | null): SpeedLimits {
  return { ...throttle, sessionTimeoutSeconds: own?.sessionTimeoutSeconds ?? null, idleTimeoutSeconds: own?.idleTimeoutSeconds ?? null };
}

/**
 * Session-Timeout for a session that is already open, counted from its start as routers count
 * it (uspot `uspot.uc` compares it with the time since connect): the profile's cap, or the time
 * until expiry plus the time already online, whichever is less.
 */
export function liveSessionTimeout(a: PolicyAccount, restricted: boolean, startedAt: Date, now: Date): number | null {
  const elapsed = Math.max(0, Math.floor((now.getTime() - startedAt.getTime()) / 1000));
  const untilExpiry = a.expiresAt && !restricted ? Math.floor((a.expiresAt.getTime() - now.getTime()) / 1000) : null;
  const timeouts = [
    a.profile?.sessionTimeoutSeconds ?? null,
    untilExpiry === null || untilExpiry <= 0 ? null : elapsed + untilExpiry,
  ].filter((v): v is number => v !== null && v > 0);
  return timeouts.length ? Math.min(...timeouts) : null;
}

/** Whether a login would be restricted now (restriction flags, expiry, a used-up quota without a throttle profile). */
export function isRestricted(
  a: Pick<PolicyAccount, 'expiresAt' | 'quotaBytes' | 'usedBytes' | 'restrictions'> & { throttle: boolean },
  now: Date,
): boolean {
  if (a.restrictions.length) return true;
  if (a.expiresAt && a.expiresAt.getTime() <= now.getTime()) return true;
  return a.quotaBytes !== null && a.usedBytes >= a.quotaBytes && !a.throttle;
}
