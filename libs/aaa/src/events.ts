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
}
