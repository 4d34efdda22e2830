import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../common/app-config';
import { Clock } from '../common/clock';
import { CredentialVault } from '../common/credential-vault';
import { safeEqual } from '../common/tokens';
import { AuthEventsService } from '../auth-events/auth-events.service';
import { Router } from '../routers/router.entity';
import { AccountLookup, AuthAccount } from './account-lookup';
import { AnswerCacheControl } from './answer-cache/answer-cache-control.service';
import { decide } from './policy';
import { AccessRequest } from './radius-request';
import { buildReply } from './reply-builder';
import { encodeAttributes, RestResponse } from './rlm-rest.codec';

export interface AuthorizeOutcome {
  /** 200 = continue (FreeRADIUS verifies or accepts), 401 = reject. */
  status: 200 | 401;
  body: RestResponse;
}

@Injectable()
export class AuthorizeService {
  private readonly log = new Logger(AuthorizeService.name);
  private readonly cleartexts = new WeakMap<AuthAccount, string>();

  constructor(
    private readonly accounts: AccountLookup,
    private readonly answerCache: AnswerCacheControl,
    private readonly events: AuthEventsService,
    private readonly vault: CredentialVault,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async authorize(req: AccessRequest, router: Router | null): Promise<AuthorizeOutcome> {
    // By canonical key: a User-Name that is not a username has none, and no account.
    const cached = req.accountKey !== null && this.accounts.isCached(req.accountKey);
    let account = await this.load(req.accountKey);
    let { decision, cleartext, passwordOk, now } = this.evaluate(req, account);
    // Memory may lag a commit by the notification's flight time. A reject is final
    // for the user, so it is only given on what PostgreSQL says right now.
    if (decision.result === 'reject' && cached) {
      account = await this.load(req.accountKey, true);
      ({ decision, cleartext, passwordOk, now } = this.evaluate(req, account));
    }
    const base = { username: req.username, routerId: router?.id ?? null, mac: req.callingStationId };

    if (decision.result === 'reject') {
      // CHAP/MS-CHAP: FreeRADIUS has not checked the password yet. The account's state is
      // told only to someone who knows it, so FreeRADIUS gets the credential and applies
      // this reject after its check (policy.d/aaa `aaa_deny_after_auth`); a wrong password
      // gets the answer any account would. Post-auth records whichever happened.
      if (req.password === undefined && account && cleartext !== undefined && decision.reason !== 'unknown_user') {
        return {
          status: 200,
          body: encodeAttributes({
            ...this.credential(req, account, cleartext),
            'reply:Reply-Message': decision.message,
            'control:Aaa-Deny': decision.reason,
          }),
        };
      }
      this.events.record({ ...base, result: 'reject', reason: decision.reason });
      return {
        status: 401,
        body: encodeAttributes({
          'reply:Reply-Message': decision.message,
          'control:Aaa-Auth-Reason': decision.reason,
          'control:Aaa-Event-Logged': 1,
        }),
      };
    }
    if (decision.replaceSessionsOf && account) await this.closeReplacedSessions(account.id, decision.replaceSessionsOf);
    const restricted = decision.restrictedBy.length > 0;
    const reason = restricted ? decision.restrictedBy.join(',') : 'ok';
    const body = encodeAttributes({
      ...buildReply(router?.vendor ?? 'generic', decision.reply, restricted, this.config.restrictedAddressList),
      ...this.credential(req, account!, cleartext!),
      'control:Aaa-Account-Group': account!.group,
      'control:Aaa-Auth-Reason': restricted ? `restricted:${reason}` : 'ok',
      // FreeRADIUS's admin fail-safe keeps this answer: it must stop holding at the expiry.
      'control:Aaa-Admin-Until':
        account!.group === 'admin' && !restricted && account!.expiresAt ? Math.floor(account!.expiresAt.getTime() / 1000) : undefined,
    });
    if (passwordOk) {
      this.events.record({ ...base, result: restricted ? 'restricted' : 'accept', reason });
      body['control:Aaa-Event-Logged'] = 1;
    }
    const ttl = this.answerCache.ttl({
      decision,
      account,
      username: req.username,
      callingStationId: req.callingStationId,
      passwordOk,
      now,
    });
    if (ttl > 0) {
      body['control:Aaa-Cache-TTL'] = ttl;
      // In the spelling sessions store, which the API's evictions name devices by.
      body['control:Aaa-Cache-Device'] = req.callingStationId;
    }
    return { status: 200, body };
  }

  private evaluate(req: AccessRequest, account: AuthAccount | null) {
    const cleartext = account ? this.cleartextOf(account) : undefined;
    // PAP is decided here, in one HTTP round trip; CHAP/MS-CHAP are verified by FreeRADIUS.
    const passwordOk = req.password === undefined ? undefined : cleartext !== undefined && safeEqual(req.password, cleartext);
    const now = this.clock.now();
    const decision = decide({
      account,
      passwordOk,
      callingStationId: req.callingStationId,
      openSessions: account?.openSessions ?? [],
      now,
      interimInterval: this.config.acctInterimInterval,
    });
    return { decision, cleartext, passwordOk, now };
  }

  /**
   * Decrypted once per cached account object, not per login (AES-GCM showed in the
   * profile). It lives exactly as long as the cached row it belongs to; the vault's
   * key sits in the same process memory anyway.
   */
  private cleartextOf(account: AuthAccount): string {
    let clear = this.cleartexts.get(account);
    if (clear === undefined) {
      clear = this.vault.decrypt(account.passwordEnc);
      this.cleartexts.set(account, clear);
    }
    return clear;
  }

  /** FreeRADIUS gets the cleartext only when it must verify (CHAP/MS-CHAP) or cache an admin. */
  private credential(req: AccessRequest, account: AuthAccount, cleartext: string): Record<string, string | undefined> {
    if (req.password !== undefined && account.group !== 'admin') return { 'control:Auth-Type': 'Accept' };
    return {
      'control:Auth-Type': req.password !== undefined ? 'Accept' : undefined,
      'control:Cleartext-Password': cleartext,
      'control:NT-Password': `0x${account.ntHash}`,
    };
  }

  private async load(key: string | null, fresh = false): Promise<AuthAccount | null> {
    if (key === null) return null;
    try {
      return await this.accounts.byUsername(key, fresh);
    } catch (err) {
      const admin = this.accounts.cachedAdmin(key);
      this.log.warn(`account lookup failed (${(err as Error).message}); ${admin ? 'admin fail-safe' : 'fail-closed'}`);
      if (admin) return admin;
      throw new ServiceUnavailableException('Account store unavailable');
    }
  }

  /** The same device logging in again: its previous session is gone on the router. */
  private async closeReplacedSessions(accountId: string, mac: string): Promise<void> {
    await this.db.query(
      `UPDATE sessions SET stopped_at = now(), terminate_cause = 'Session-Replaced'
        WHERE account_id = $1 AND calling_station_id = $2 AND stopped_at IS NULL`,
      [accountId, mac],
    );
  }

  /** Post-auth, for decisions FreeRADIUS finished (CHAP/MS-CHAP, rejects it made). */
  recordPostAuth(input: {
    username: string;
    router: Router | null;
    mac: string | null;
    result: 'accept' | 'reject';
    reason?: string;
  }): void {
    const reason = input.reason ?? '';
    const base = { username: input.username, routerId: input.router?.id ?? null, mac: input.mac };
    if (input.result === 'reject') {
      // An authorize that said "ok" followed by a reject means FreeRADIUS found the password wrong.
      // FreeRADIUS says bad_password when its own PAP/CHAP/MS-CHAP check failed.
      const why = !reason || reason === 'ok' || reason === 'bad_password' || reason.startsWith('restricted:') ? 'wrong_password' : reason;
      this.events.record({ ...base, result: 'reject', reason: why });
    } else if (reason.startsWith('restricted:')) {
      this.events.record({ ...base, result: 'restricted', reason: reason.slice('restricted:'.length) });
    } else {
      this.events.record({ ...base, result: 'accept', reason: 'ok' });
    }
  }
}
