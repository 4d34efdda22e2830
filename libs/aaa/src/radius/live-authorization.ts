import { Injectable } from '@nestjs/common';
import { AppConfig } from '../common/app-config';
import { Clock } from '../common/clock';
import { RouterVendor } from '../routers/router.entity';
import { AccountLookup } from './account-lookup';
import { decide, Decision, liveSessionTimeout } from './policy';
import { buildReply } from './reply-builder';
import { ReplyValue } from './rlm-rest.codec';

export type LiveAuthorizationResult =
  | { result: 'reject'; reason: string }
  | {
      result: 'accept';
      restricted: boolean;
      throttled: boolean;
      /** The reply a login would get now (`reply:` keys), Session-Timeout counted from the session's start. */
      reply: Record<string, ReplyValue | undefined>;
    };

/**
 * What an open session of an account should have now: the same decision and reply builder as
 * a login (policy.ts, reply-builder.ts), read fresh from PostgreSQL. router-rpc turns it into
 * a CoA-Request; the decision stays here, in aaa.
 */
@Injectable()
export class LiveAuthorization {
  constructor(
    private readonly accounts: AccountLookup,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async forSession(accountId: string, vendor: RouterVendor, startedAt: Date): Promise<LiveAuthorizationResult | null> {
    const account = await this.accounts.byId(accountId);
    if (!account) return null;
    const now = this.clock.now();
    // The session is already admitted: max_sessions is not asked again (no open sessions passed).
    const decision: Decision = decide({
      account,
      passwordOk: undefined,
      callingStationId: null,
      openSessions: [],
      now,
      interimInterval: this.config.acctInterimInterval,
    });
    if (decision.result === 'reject') return { result: 'reject', reason: decision.reason };
    const restricted = decision.restrictedBy.length > 0;
    const plan = { ...decision.reply, sessionTimeout: liveSessionTimeout(account, restricted, startedAt, now) };
    return {
      result: 'accept',
      restricted,
      throttled: decision.throttled,
      reply: buildReply(vendor, plan, restricted, this.config.restrictedAddressList),
    };
  }
}
