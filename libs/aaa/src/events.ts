/**
 * Domain events aaa emits. Other libs (router-rpc) subscribe, so aaa never imports them.
 * Names are stable strings; payloads are plain data.
 */
export const AAA_EVENTS = {
  /** Account data that authorize caches changed (any field). */
  accountChanged: 'account.changed',
  /** Status became disabled or banned: open sessions must be cut at once (B050). */
  accountStatusChanged: 'account.statusChanged',
  profileChanged: 'speedProfile.changed',
  routerChanged: 'router.changed',
  /** An Interim-Update pushed an account past its quota or expiry. */
  sessionLimitReached: 'session.limitReached',
  /**
   * Something that decides open sessions' reply attributes changed (speed or throttle profile,
   * restriction flags, expiry, quota or its reset, a speed profile's rates): router-rpc sends
   * the sessions their new attributes (RFC 5176 CoA-Request).
   */
  authorizationChanged: 'session.authorizationChanged',
} as const;

export interface AccountChangedEvent {
  accountId: string;
  username: string;
}

export interface AccountStatusChangedEvent {
  accountId: string;
  status: 'active' | 'disabled' | 'banned';
}

export interface SessionLimitReachedEvent {
  sessionId: string;
  accountId: string;
  reason: 'quota' | 'expired';
  /**
   * Names the change when several instances announce the same one (a plan's period limit is
   * NOTIFYed to all of them): equal keys make one CoA (common/derived-id.ts).
   */
  changeKey?: string;
}

export type AuthorizationChangeReason = 'account' | 'speed-profile' | 'restriction' | 'reset';

export interface AuthorizationChangedEvent {
  /** One id per change, however many sessions it reaches: each session gets one CoA for it. */
  changeId: string;
  /** The accounts whose open sessions changed… */
  accountIds?: string[];
  /** …or every account that uses this speed profile (as its profile or its throttle profile)… */
  profileId?: string;
  /** …or every account on this plan. */
  planId?: string;
  reason: AuthorizationChangeReason;
  /**
   * Whether the change restricts sessions (`set`) or lifts a restriction (`lifted`). A router
   * that cannot apply such a change live gets a disconnect instead: the next login gets the
   * new state. Other changes are recorded when they cannot be applied.
   */
  restriction: 'set' | 'lifted' | null;
}
