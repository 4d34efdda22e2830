import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  AAA_EVENTS,
  AuthorizationChangedEvent,
  derivedId,
  EFFECTIVE_THROTTLE,
  LiveAuthorization,
  RouterVendor,
  SessionLimitReachedEvent,
} from '@app/aaa';
import { AutoDisconnectListener } from '../disconnect/auto-disconnect.listener';
import { CoaOutbox } from './coa-outbox';

/**
 * Turns aaa's announcements into CoA jobs, one per open session and change, on the instance
 * where the change happened; CoaOutbox hands each to exactly one instance. Runs detached from
 * the request that caused it: logs, never throws back into the emitter.
 */
@Injectable()
export class LiveChangeListener {
  private readonly log = new Logger(LiveChangeListener.name);

  constructor(
    private readonly db: DataSource,
    private readonly outbox: CoaOutbox,
    private readonly live: LiveAuthorization,
    private readonly disconnects: AutoDisconnectListener,
  ) {}

  @OnEvent(AAA_EVENTS.authorizationChanged)
  async onChange(e: AuthorizationChangedEvent): Promise<void> {
    try {
      const open = await this.openSessions(e);
      await this.outbox.enqueue(
        open.map((sessionId) => ({ sessionId, changeId: e.changeId, reason: e.reason, enforce: false, restriction: e.restriction })),
      );
    } catch (err) {
      this.log.error(`live change ${e.changeId} (${e.reason}) not queued: ${(err as Error).message}`);
    }
  }

  /**
   * An Interim-Update used up the quota or ran past the expiry. A throttled or restricted login
   * is what the session should become, by CoA (a disconnect when the router cannot take it);
   * anything else (a rejected login, or a state that no longer says so) is cut as before.
   */
  @OnEvent(AAA_EVENTS.sessionLimitReached)
  async onLimit(e: SessionLimitReachedEvent): Promise<void> {
    try {
      const [s]: { started_at: Date; vendor: RouterVendor; expires_at: Date | null }[] = await this.db.query(
        `SELECT s.started_at, r.vendor, a.expires_at FROM sessions s JOIN routers r ON r.id = s.router_id
           LEFT JOIN accounts a ON a.id = s.account_id WHERE s.id = $1 AND s.stopped_at IS NULL`,
        [e.sessionId],
      );
      if (!s) return;
      const live = await this.live.forSession(e.accountId, s.vendor, s.started_at);
      if (live?.result === 'accept' && (live.throttled || live.restricted)) {
        const restriction = live.restricted ? 'set' : null;
        const changeId = e.changeKey
          ? derivedId(`${e.changeKey}:${e.sessionId}`)
          : e.reason === 'expired'
            ? expiryChange(e.sessionId, s.expires_at)
            : randomUUID();
        await this.outbox.enqueue([{ sessionId: e.sessionId, changeId, reason: 'limit', enforce: true, restriction }]);
        return;
      }
    } catch (err) {
      this.log.warn(`limit on session ${e.sessionId}: ${(err as Error).message}; disconnecting`);
    }
    await this.disconnects.onLimit(e);
  }

  private async openSessions(e: AuthorizationChangedEvent): Promise<string[]> {
    let rows: { id: string }[] = [];
    if (e.accountIds?.length) {
      rows = await this.db.query('SELECT id FROM sessions WHERE account_id = ANY ($1::uuid[]) AND stopped_at IS NULL', [e.accountIds]);
    } else if (e.profileId) {
      // Accounts on the profile (their own, or their plan's), and those that may be throttled to
      // it: the CoA carries what a login gets now, so one that is not throttled gets its own rate.
      rows = await this.db.query(
        `SELECT s.id FROM sessions s JOIN accounts a ON a.id = s.account_id LEFT JOIN plans pl ON pl.id = a.plan_id
          WHERE s.stopped_at IS NULL
            AND (COALESCE(a.speed_profile_id, pl.speed_profile_id) = $1 OR ${EFFECTIVE_THROTTLE} = $1)`,
        [e.profileId],
      );
    } else if (e.planId) {
      rows = await this.db.query(
        'SELECT s.id FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.plan_id = $1 AND s.stopped_at IS NULL',
        [e.planId],
      );
    }
    return rows.map((r) => r.id);
  }
}

/**
 * Accounting reports an expiry at every Interim-Update after it (a quota only when it is
 * crossed), so an expiry's change id is derived from the session and the expiry itself: the
 * unique (session, change) pair makes it one CoA, and a new expiry set later is a new change.
 */
function expiryChange(sessionId: string, expiresAt: Date | null): string {
  return derivedId(`expired:${sessionId}:${expiresAt?.toISOString() ?? ''}`);
}
