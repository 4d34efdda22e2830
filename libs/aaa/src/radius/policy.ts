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
  /**
   * The plan's limits per period (issue 14), on top of the account's own lifetime quota
   * and expiry: the stricter wins. `usedBytes`/`usedSeconds` count `period`; once `now`
   * is outside it a new period has begun and nothing is used in it yet.
   */
  plan?: PlanUsage | null;
  /** Validity counted from a first login that has not happened: it ends this long after it. */
  pendingValiditySeconds?: number | null;
  profile: SpeedLimits | null;
  /**
   * Fair usage: the rate once a data limit (the quota, or the plan's period data) is used up.
   * With one, that slows the login down instead of restricting it (hotspot logins are let in,
   * slowly, instead of rejected). The account's own, or its plan's when the plan says
   * `onLimit: throttle`.
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

export interface PlanUsage {
  dataBytes: number | null;
  timeSeconds: number | null;
  usedBytes: number;
  usedSeconds: number;
  period: { start: Date; end: Date } | null;
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
  | 'unknown_user'
  | 'wrong_password'
  | 'banned'
  | 'disabled'
  | 'max_sessions'
  | 'expired'
  | 'quota_exceeded'
  | 'time_exceeded'
  | 'restricted';
export type RestrictReason = 'expired' | 'quota_exceeded' | 'time_exceeded' | string;

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
  time_exceeded: 'Time quota used up',
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

  const used = usage(a, now);
  const limits: RestrictReason[] = [];
  if (a.expiresAt && a.expiresAt.getTime() <= now.getTime()) limits.push('expired');
  const lifetimeOver = a.quotaBytes !== null && a.usedBytes >= a.quotaBytes;
  const periodData = a.plan?.dataBytes != null && used.bytes >= a.plan.dataBytes;
  const periodTime = a.plan?.timeSeconds != null && used.seconds >= a.plan.timeSeconds;
  // A used-up time quota always restricts: slowing down does not give time back.
  const throttled = (lifetimeOver || periodData) && !!a.throttleProfile;
  if ((lifetimeOver || periodData) && !throttled) limits.push('quota_exceeded');
  if (periodTime) limits.push('time_exceeded');
  if (a.kind === 'hotspot') {
    if (limits.length) return reject(limits[0] as RejectReason);
    if (a.restrictions.length) return reject('restricted');
  }
  const restrictedBy = [...limits, ...a.restrictions];
  // Restricted by its plan's period limits alone, a login ends at the reset, and the
  // router's next login is a normal one: no admin action, no user action.
  // A throttled login (nothing restricting it) is not cut at the reset: a CoA brings full speed back.
  const periodOnly =
    limits.length > 0 &&
    (periodData || periodTime) &&
    !lifetimeOver &&
    restrictedBy.length === limits.length &&
    !limits.includes('expired');
  return {
    result: 'accept',
    restrictedBy,
    throttled,
    replaceSessionsOf: sameDevice ? input.callingStationId : null,
    reply: replyPlan(a, input, used, restrictedBy.length > 0, throttled, periodOnly ? (a.plan?.period?.end ?? null) : null),
  };
}

/** What counts against the plan's limits now: a period that has ended counts nothing. */
function usage(a: Pick<PolicyAccount, 'plan'>, now: Date): { bytes: number; seconds: number } {
  const p = a.plan?.period;
  if (!a.plan || !p || now.getTime() < p.start.getTime() || now.getTime() >= p.end.getTime()) return { bytes: 0, seconds: 0 };
  return { bytes: a.plan.usedBytes, seconds: a.plan.usedSeconds };
}

/**
 * Throttled: the throttle profile's rates, the account's own timeouts (slowing down must not
 * cut a session sooner), and no byte cap (the data is used up; the rate is the limit now).
 */
function replyPlan(
  a: PolicyAccount,
  input: PolicyInput,
  used: { bytes: number; seconds: number },
  restricted: boolean,
  throttled: boolean,
  resetAt: Date | null,
): ReplyPlan {
  const untilExpiry = a.expiresAt && !restricted ? Math.floor((a.expiresAt.getTime() - input.now.getTime()) / 1000) : null;
  // Session-Timeout never runs past the time quota left, nor the validity end.
  const timeLeft = a.plan?.timeSeconds != null && !restricted ? a.plan.timeSeconds - used.seconds : null;
  const pendingValidity = restricted ? null : (a.pendingValiditySeconds ?? null);
  const untilReset = resetAt ? Math.ceil((resetAt.getTime() - input.now.getTime()) / 1000) : null;
  const timeouts = [a.profile?.sessionTimeoutSeconds ?? null, untilExpiry, timeLeft, pendingValidity, untilReset].filter(
    (v): v is number => v !== null && v > 0,
  );
  return {
    framedIp: a.kind === 'vpn' ? a.staticIp : null,
    delegatedIpv6Prefix: a.kind === 'vpn' ? a.delegatedPrefix : null,
    framedIpv6Prefix: a.kind === 'vpn' ? a.framedIpv6Prefix : null,
    sessionTimeout: timeouts.length ? Math.min(...timeouts) : null,
    idleTimeout: a.profile?.idleTimeoutSeconds ?? null,
    interimInterval: input.interimInterval,
    rate: throttled ? throttledRate(a.throttleProfile!, a.profile) : a.profile,
    // With a throttle profile the API slows the session by CoA at the limit: a byte cap would
    // make the router cut it there instead (RouterOS Mikrotik-Total-Limit, Coova's Max-Total).
    remainingBytes: restricted || throttled || a.throttleProfile ? null : remainingBytes(a, used.bytes),
  };
}

/** The data left under the account's lifetime quota and the plan's period limit, whichever is less. */
function remainingBytes(a: PolicyAccount, usedInPeriod: number): number | null {
  const left = [
    a.quotaBytes === null ? null : a.quotaBytes - a.usedBytes,
    a.plan?.dataBytes == null ? null : a.plan.dataBytes - usedInPeriod,
  ].filter((v): v is number => v !== null);
  return left.length ? Math.max(Math.min(...left), 0) : null;
}

function throttledRate(throttle: SpeedLimits, own: SpeedLimits | null): SpeedLimits {
  return { ...throttle, sessionTimeoutSeconds: own?.sessionTimeoutSeconds ?? null, idleTimeoutSeconds: own?.idleTimeoutSeconds ?? null };
}

/**
 * Session-Timeout for a session that is already open, counted from its start as routers count
 * it (uspot `uspot.uc` compares it with the time since connect): the profile's cap, or the time
 * until expiry, or the plan's time quota left, each plus the time already online, whichever is less.
 */
export function liveSessionTimeout(a: PolicyAccount, restricted: boolean, startedAt: Date, now: Date): number | null {
  const elapsed = Math.max(0, Math.floor((now.getTime() - startedAt.getTime()) / 1000));
  const untilExpiry = a.expiresAt && !restricted ? Math.floor((a.expiresAt.getTime() - now.getTime()) / 1000) : null;
  const timeLeft = a.plan?.timeSeconds != null && !restricted ? a.plan.timeSeconds - usage(a, now).seconds : null;
  const timeouts = [
    a.profile?.sessionTimeoutSeconds ?? null,
    ...[untilExpiry, timeLeft].map((left) => (left === null || left <= 0 ? null : elapsed + left)),
  ].filter((v): v is number => v !== null && v > 0);
  return timeouts.length ? Math.min(...timeouts) : null;
}

/**
 * Whether a login would be restricted now (restriction flags, expiry, a used-up quota without
 * a throttle profile, the plan's period limits when given).
 */
export function isRestricted(
  a: Pick<PolicyAccount, 'expiresAt' | 'quotaBytes' | 'usedBytes' | 'restrictions' | 'plan'> & { throttle: boolean },
  now: Date,
): boolean {
  if (a.restrictions.length) return true;
  if (a.expiresAt && a.expiresAt.getTime() <= now.getTime()) return true;
  const used = usage(a, now);
  if (a.plan?.timeSeconds != null && used.seconds >= a.plan.timeSeconds) return true;
  const dataOver = (a.quotaBytes !== null && a.usedBytes >= a.quotaBytes) || (a.plan?.dataBytes != null && used.bytes >= a.plan.dataBytes);
  return dataOver && !a.throttle;
}
