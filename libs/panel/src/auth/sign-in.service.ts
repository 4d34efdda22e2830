import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, MoreThan } from 'typeorm';
import { Account, Clock, sha256Hex } from '@app/aaa';
import { PanelInvite } from '../admin/panel-invite.entity';
import { signInAllowed } from '../allowlist/allowlist';
import { audit, PANEL_AUDIT, PanelAudit } from '../audit/panel-audit';
import { panelEmail } from '../credentials/panel-email';
import { PanelLogin } from '../credentials/panel-login.entity';
import { PasswordHasher } from '../credentials/password-hasher';
import { PanelSession } from './panel-session.entity';
import { PanelSessions } from './panel-sessions.service';
import { SignInLockout } from './sign-in-lockout.service';

/**
 * What a sign-in came to. `failed` and `locked` are all an unknown email and a wrong
 * password can ever give, and they give them identically (lockout-policy.ts); only a
 * correct password learns about the allowlist.
 */
export type SignInResult =
  { kind: 'ok'; token: string; customerId: string } | { kind: 'failed' } | { kind: 'locked' } | { kind: 'not_allowed'; clientIp: string };

@Injectable()
export class SignInService {
  private readonly log = new Logger('Panel');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly lockout: SignInLockout,
    private readonly sessions: PanelSessions,
    private readonly clock: Clock,
    @Inject(PANEL_AUDIT) private readonly auditSink: PanelAudit,
  ) {}

  async signIn(typedEmail: string, password: string, clientIp: string): Promise<SignInResult> {
    const key = this.lockout.keyOf(typedEmail);
    const email = panelEmail(typedEmail);
    const login = email ? await this.db.getRepository(PanelLogin).findOneBy({ email }) : null;
    const record = (outcome: 'success' | 'failed' | 'locked' | 'refused_allowlist') =>
      audit(this.auditSink, { action: 'panel.sign_in', outcome, customerId: login?.customerId ?? null, clientIp }, this.log);
    if (await this.lockout.lockedUntil(key)) {
      await record('locked');
      return { kind: 'locked' };
    }
    // The same scrypt work whether or not there is a password to check.
    const ok = login?.passwordHash ? await this.hasher.verify(password, login.passwordHash) : await this.hasher.verifyNothing(password);
    if (!ok || !login) {
      const locked = await this.lockout.fail(key);
      await record(locked ? 'locked' : 'failed');
      return { kind: locked ? 'locked' : 'failed' };
    }
    await this.lockout.clear(key);
    const connections = await this.db
      .getRepository(Account)
      .find({ where: { customerId: login.customerId }, select: { panelAllowlist: true } });
    if (!signInAllowed(clientIp, connections)) {
      await record('refused_allowlist');
      return { kind: 'not_allowed', clientIp };
    }
    const { token } = await this.sessions.create(login.customerId, clientIp);
    await this.db.getRepository(PanelLogin).update({ customerId: login.customerId }, { lastSignInAt: this.clock.now() });
    await record('success');
    return { kind: 'ok', token, customerId: login.customerId };
  }

  /** A sign-in refused before any check: too many attempts from the address. */
  rateLimited(clientIp: string): Promise<void> {
    return audit(this.auditSink, { action: 'panel.sign_in', outcome: 'rate_limited', customerId: null, clientIp }, this.log);
  }

  async signOut(session: PanelSession, clientIp: string): Promise<void> {
    await this.sessions.end(session);
    await audit(this.auditSink, { action: 'panel.sign_out', outcome: 'success', customerId: session.customerId, clientIp }, this.log);
  }

  /** The customer an unused, unexpired invite token belongs to. */
  async inviteFor(token: string): Promise<string | null> {
    const invite = await this.db
      .getRepository(PanelInvite)
      .findOneBy({ tokenHash: sha256Hex(token), usedAt: IsNull(), expiresAt: MoreThan(this.clock.now()) });
    return invite?.customerId ?? null;
  }

  /**
   * Sets the password an invite link was for, once: the invite is consumed in the same
   * transaction (row-locked, so two tabs cannot both use it), every session of the
   * customer ends, and the email's failed sign-ins are forgotten.
   */
  async acceptInvite(token: string, password: string, clientIp: string): Promise<boolean> {
    const hash = await this.hasher.hash(password);
    const now = this.clock.now();
    const customerId = await this.db.transaction(async (tx) => {
      const invite = await tx.getRepository(PanelInvite).findOne({
        where: { tokenHash: sha256Hex(token), usedAt: IsNull(), expiresAt: MoreThan(now) },
        lock: { mode: 'pessimistic_write' },
      });
      if (!invite) return null;
      await tx.getRepository(PanelInvite).update({ tokenHash: invite.tokenHash }, { usedAt: now });
      const { affected } = await tx
        .getRepository(PanelLogin)
        .update({ customerId: invite.customerId }, { passwordHash: hash, passwordSetAt: now });
      return affected ? invite.customerId : null;
    });
    if (!customerId) return false;
    await this.sessions.endAll(customerId);
    const login = await this.db.getRepository(PanelLogin).findOneBy({ customerId });
    if (login) await this.lockout.clear(this.lockout.keyOf(login.email));
    await audit(this.auditSink, { action: 'panel.invite_accepted', outcome: 'success', customerId, clientIp }, this.log);
    return true;
  }
}
