import { Injectable } from '@nestjs/common';
import { TokenBucketLimiter } from '@app/aaa';
import { clearCookie, SESSION_COOKIE, setCookie, tokenOf } from '../auth/cookies';
import { SignInService } from '../auth/sign-in.service';
import { PANEL_PASSWORD_MIN, passwordProblem } from '../credentials/password-rules';
import { PanelGate, Visitor } from './panel-gate.service';
import { Flash, invitePage, messagePage, signInPage } from './templates/auth-pages';
import { field, page, redirect, WebRequest, WebResponse } from './web-types';

/** Sign-in and invite attempts per client address: 10 a minute (an injectable so tests can reset it). */
@Injectable()
export class PanelAddressLimiter extends TokenBucketLimiter {
  constructor() {
    super(10, 60_000);
  }
}

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

/** Sign-in, sign-out and the invite link: the pages before and around a session. */
@Injectable()
export class AuthWeb {
  constructor(
    private readonly gate: PanelGate,
    private readonly signIns: SignInService,
    private readonly limiter: PanelAddressLimiter,
  ) {}

  /** GET /panel/sign-in (already signed in: straight to the panel). */
  async signInForm(req: WebRequest): Promise<WebResponse> {
    const visitor = this.gate.visitor(req);
    if (tokenOf(req.cookies, SESSION_COOKIE)) {
      const visit = await this.gate.visit(req);
      if (!('status' in visit)) return redirect('/panel', visitor.cookies);
      // A session that ended: forget its cookie.
      if (visit.status === 303) visitor.cookies.push(clearCookie(SESSION_COOKIE, visitor.scope));
    }
    const m = visitor.ctx.m.signIn;
    const notices: Record<string, Flash> = {
      'signed-out': { kind: 'ok', text: m.signedOut },
      'password-set': { kind: 'ok', text: m.passwordSet },
      ended: { kind: 'note', text: m.sessionEnded },
    };
    return this.form(200, req, visitor, notices[field(req.query, 'done', 20) ?? '']);
  }

  /** POST /panel/sign-in. An unknown email and a wrong password get the same answer. */
  async signIn(req: WebRequest): Promise<WebResponse> {
    const visitor = this.gate.visitor(req);
    const m = visitor.ctx.m.signIn;
    const email = field(req.body, 'email', 254)?.trim();
    if (!this.gate.preFormOk(req)) return this.form(403, req, visitor, { kind: 'error', text: m.formExpired }, email);
    if (!this.limiter.take(visitor.clientIp)) {
      await this.signIns.rateLimited(visitor.clientIp);
      return this.form(429, req, visitor, { kind: 'error', text: m.rateLimited }, email);
    }
    const password = field(req.body, 'password', 1024);
    if (!email || !password) return this.form(400, req, visitor, { kind: 'error', text: m.missing }, email);
    const result = await this.signIns.signIn(email, password, visitor.clientIp);
    switch (result.kind) {
      case 'ok':
        return redirect('/panel', [...visitor.cookies, setCookie(SESSION_COOKIE, result.token, visitor.scope)]);
      case 'not_allowed':
        return page(403, messagePage(visitor.ctx, m.notAllowedHeading, m.notAllowedText(result.clientIp)), visitor.cookies);
      case 'locked':
        return this.form(429, req, visitor, { kind: 'error', text: m.locked }, email);
      default:
        return this.form(401, req, visitor, { kind: 'error', text: m.failed }, email);
    }
  }

  /** POST /panel/sign-out: the session ends on the server, the cookie is cleared. */
  async signOut(req: WebRequest): Promise<WebResponse> {
    const visit = await this.gate.visit(req);
    if ('status' in visit) return visit;
    if (!this.gate.sessionFormOk(req, visit)) return this.expired(visit);
    await this.signIns.signOut(visit.session, visit.clientIp);
    return redirect('/panel/sign-in?done=signed-out', [...visit.cookies, clearCookie(SESSION_COOKIE, visit.scope)]);
  }

  /** GET /panel/invite?token=…: the set-password form, or why the link no longer works. */
  async inviteForm(req: WebRequest): Promise<WebResponse> {
    const visitor = this.gate.visitor(req);
    const token = this.token(req.query);
    if (!token || !(await this.signIns.inviteFor(token))) return this.inviteInvalid(visitor);
    return page(200, invitePage(visitor.ctx, { csrf: this.gate.preForm(req, visitor), token, min: PANEL_PASSWORD_MIN }), visitor.cookies);
  }

  /** POST /panel/invite: sets the password once, then the customer signs in with it. */
  async invite(req: WebRequest): Promise<WebResponse> {
    const visitor = this.gate.visitor(req);
    const { m } = visitor.ctx;
    const token = this.token(req.body);
    if (!token) return this.inviteInvalid(visitor);
    const again = (status: number, text: string) =>
      page(
        status,
        invitePage(visitor.ctx, { csrf: this.gate.preForm(req, visitor), token, min: PANEL_PASSWORD_MIN, flash: { kind: 'error', text } }),
        visitor.cookies,
      );
    if (!this.gate.preFormOk(req)) return again(403, m.signIn.formExpired);
    if (!this.limiter.take(visitor.clientIp)) return again(429, m.signIn.rateLimited);
    const password = field(req.body, 'password', 1024);
    const problem = passwordProblem(password, field(req.body, 'confirm', 1024) ?? '', PANEL_PASSWORD_MIN);
    if (problem) return again(400, m.password.problems[problem](PANEL_PASSWORD_MIN));
    if (!(await this.signIns.acceptInvite(token, password!, visitor.clientIp))) return this.inviteInvalid(visitor);
    return redirect('/panel/sign-in?done=password-set', visitor.cookies);
  }

  private token(source: Record<string, unknown>): string | undefined {
    const token = field(source, 'token', 43);
    return token && TOKEN_RE.test(token) ? token : undefined;
  }

  private inviteInvalid(visitor: Visitor): WebResponse {
    const { m } = visitor.ctx;
    return page(
      404,
      messagePage(visitor.ctx, m.invite.invalidHeading, m.invite.invalidText, { href: '/panel/sign-in', label: m.signIn.heading }),
      visitor.cookies,
    );
  }

  private form(status: number, req: WebRequest, visitor: Visitor, flash?: Flash, email?: string): WebResponse {
    const csrf = this.gate.preForm(req, visitor);
    return page(status, signInPage(visitor.ctx, { csrf, email, flash }), visitor.cookies);
  }

  private expired(visitor: Visitor): WebResponse {
    const { m } = visitor.ctx;
    return page(
      403,
      messagePage(visitor.ctx, m.signIn.formExpired, m.signIn.formExpired, { href: '/panel', label: m.errors.back }),
      visitor.cookies,
    );
  }
}
