import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { AppConfig, canonicalUsername, RequestView, sameOrigin } from '@app/aaa';
import { deriveFormKey, signForm, verifyForm } from './form-token';
import { Lang, messages, pickLang, reasonText, voucherReasonText } from './i18n';
import { mikrotikChapPassword } from './mikrotik-chap';
import {
  attemptCookie,
  clientCookie,
  clientIdOf,
  CookieScope,
  deriveAttemptKey,
  newClientId,
  verifyAttempt,
  voucherCookie,
  voucherOf,
} from './portal-cookies';
import { DEFAULT_USERURL, firstString, ParamError, parsePortalParams, PortalParams } from './portal-params';
import { PortalDirectory, PortalRouter } from './portal-directory.service';
import { PORTAL_OPTIONS, PortalOptions } from './portal-options';
import { LoginRateLimiter } from './login-rate-limiter';
import { connectedPage, loggedOutPage, loginPage, messagePage, PageContext, voucherHandoffPage } from './templates/pages';
import { SafeHtml } from './templates/html';
import { addressAllowed, linkBoundToRouter } from './uam-binding';
import { chapResponse, verifyMd } from './uam-signature';
import { normaliseVoucherCode, voucherReason } from './voucher-code';
import {
  coovaLogonUrl,
  FormTarget,
  formTarget,
  LoginContext,
  loginAgainUrl,
  logoffUrl,
  mikrotikLoginUrl,
  mikrotikTarget,
  PORTAL_LOGIN_PATH,
  resolveUamPort,
  uspotLogonUrl,
} from './vendor-profiles';

/** What the controller sends: a page, or a redirect to the router, plus cookies. */
export interface PortalResponse {
  status: number;
  html?: string;
  location?: string;
  cookies?: string[];
}

export interface ShowRequest {
  query: Record<string, unknown>;
  /** Raw request URL (path + query) exactly as received: `md` covers these bytes. */
  url: string;
  view: RequestView;
  acceptLanguage?: string;
  cookies: Record<string, string>;
}

export interface LoginRequest {
  body: Record<string, unknown>;
  view: RequestView;
  /** Origin and Referer: the form must come from the portal's own pages. */
  headers: IncomingHttpHeaders;
  acceptLanguage?: string;
  cookies: Record<string, string>;
}

/** Hidden fields of the portal's own form; the form token signs exactly these. */
const SIGNED_FIELDS = [
  'uamip',
  'uamport',
  'userurl',
  'nasid',
  'challenge',
  'lang',
  'link-login-only',
  'chap-id',
  'chap-challenge',
  // Voucher mode sends MikroTik http-pap and generic forms through the portal too.
  'dst',
] as const;

/** RouterOS's $(error) when its RADIUS server did not answer. */
const ROUTER_TIMEOUT = /not responding|timed? ?out/i;

/** The one place the portal reads a username from its form (trimmed, at most a RADIUS attribute). */
export function formUsername(body: Record<string, unknown>): string | undefined {
  return firstString(body, 'username', 253);
}

@Injectable()
export class PortalService {
  private readonly log = new Logger('Portal');
  private readonly formKey: Buffer;
  private readonly attemptKey: Buffer;
  /** Routers already reported for lacking uamAddresses (one warning each per process). */
  private readonly unboundWarned = new Set<string>();

  constructor(
    private readonly directory: PortalDirectory,
    private readonly limiter: LoginRateLimiter,
    @Inject(PORTAL_OPTIONS) private readonly options: PortalOptions,
    config: AppConfig,
  ) {
    this.formKey = deriveFormKey(config.secretKey);
    this.attemptKey = deriveAttemptKey(config.secretKey);
  }

  /** GET /portal: the router's redirect, in any result state. */
  async show(req: ShowRequest): Promise<PortalResponse> {
    const parsed = parsePortalParams(req.query, { allowLoopback: this.options.allowLoopbackUamip });
    if (!parsed.ok) return this.paramProblem(pickLang(firstString(req.query, 'lang'), req.acceptLanguage), parsed.error);
    const p = parsed.params;
    const lang = pickLang(p.lang, req.acceptLanguage);
    const router = await this.directory.routerFor(p.nasid).catch((err) => this.lookupFailed(err));
    if (router === undefined) return this.unavailable(lang);
    if (router === null) return this.invalidAccess(lang);
    const pc = this.pageContext(lang, router);
    if (router.uamSecret) {
      const [path, query = ''] = req.url.split(/\?(.*)/s);
      const base = router.uamServer ?? req.view.origin + req.view.pathPrefix + path;
      if (!verifyMd(base, query, router.uamSecret)) return page(403, messagePage(pc, pc.m.badSignatureHeading, pc.m.badSignatureText));
    }
    if (!this.bound(router, p)) return this.invalidAccess(lang);
    const ctx = this.context(router, p, lang);
    switch (p.res) {
      case 'success':
      case 'already':
        return page(200, connectedPage(pc, { userurl: p.userurl, logoffUrl: logoffUrl(ctx), reply: p.reply, timeleft: p.timeleft }));
      case 'logoff':
        return page(200, loggedOutPage(pc, loginAgainUrl(ctx)));
      case 'reject':
      case 'failed':
        return this.formPage(200, pc, router, ctx, req, await this.failureText(pc, router, p, req.cookies), this.prefill(router, p, req));
      default:
        // RouterOS never redirects with res=: a failed login re-serves login.html with $(error).
        return this.formPage(
          200,
          pc,
          router,
          ctx,
          req,
          p.error ? await this.failureText(pc, router, p, req.cookies) : undefined,
          this.prefill(router, p, req),
        );
    }
  }

  /**
   * GET /portal/voucher?code=…: where a card's QR code points. The phone that scans it may
   * not be on the hotspot yet, or open it outside the captive browser, so the code is kept
   * in a cookie and the next login page the hotspot shows this browser has it filled in.
   */
  voucherLink(req: { query: Record<string, unknown>; view: RequestView; acceptLanguage?: string }): PortalResponse {
    const lang = pickLang(firstString(req.query, 'lang'), req.acceptLanguage);
    const pc = this.pageContext(lang, null);
    const code = normaliseVoucherCode(firstString(req.query, 'code', 80));
    if (!code) return page(400, messagePage(pc, pc.m.badRequestHeading, pc.m.voucherBadLinkText));
    const html = messagePage(pc, pc.m.voucherSavedHeading, pc.m.voucherSavedText, { href: DEFAULT_USERURL, label: pc.m.openAnyPage });
    return { status: 200, html: html.value, cookies: [voucherCookie(code, cookieScope(req.view))] };
  }

  /** POST /portal/login: checks the form, then redirects the browser to the router's login with the credentials it takes. */
  async login(req: LoginRequest): Promise<PortalResponse> {
    const body = req.body;
    const lang = pickLang(firstString(body, 'lang'), req.acceptLanguage);
    const m = messages(lang);
    if (!this.limiter.take(req.view.clientIp)) return page(429, messagePage(this.pageContext(lang, null), m.tooManyHeading, m.tooManyText));
    const parsed = parsePortalParams(body, { allowLoopback: this.options.allowLoopbackUamip });
    if (!parsed.ok) return this.paramProblem(lang, parsed.error);
    const p = parsed.params;
    const router = await this.directory.routerFor(p.nasid).catch((err) => this.lookupFailed(err));
    if (router === undefined) return this.unavailable(lang);
    if (router === null) return this.invalidAccess(lang);
    const pc = this.pageContext(lang, router);
    const signed: Record<string, string> = {};
    for (const k of SIGNED_FIELDS) if (typeof body[k] === 'string') signed[k] = body[k] as string;
    const clientId = clientIdOf(req.cookies);
    // Login CSRF: the form must come from our own page, in the browser that got it.
    if (!sameOrigin(req.headers, req.view.origin) || !verifyForm(this.formKey, signed, clientId, firstString(body, 'csrf', 100))) {
      return page(403, messagePage(pc, m.formExpiredHeading, m.formExpiredText, { href: p.userurl, label: m.loginAgain }));
    }
    if (!this.bound(router, p)) return this.invalidAccess(lang);
    const ctx = this.context(router, p, lang);
    if (router.portalMode === 'voucher') return this.voucherLogin(req, pc, router, ctx);
    if (!formTarget(ctx).viaPortal) return page(400, messagePage(pc, m.badRequestHeading, m.badRequestText));
    // What was typed, without the spaces a keyboard may add around it.
    const typed = formUsername(body);
    const password = typeof body.password === 'string' ? body.password : '';
    const again = (error: string, name?: string) => this.formPage(400, pc, router, ctx, req, error, { username: name });
    if (router.termsText && body.terms !== '1' && body.terms !== 'on') return again(m.termsRequired, typed);
    if (!typed) return again(m.usernameRequired);
    // The router sends this as User-Name: the one canonical form the API matches
    // (@app/aaa canonicalUsername). Anything else could never log in, so it is
    // refused here with the message a wrong password gets: it names no account.
    const username = canonicalUsername(typed);
    if (!username || password.length > 128) return again(m.loginFailed, typed);
    const location = this.routerLogin(router, ctx, username, password);
    if (!location) return page(400, messagePage(pc, m.badRequestHeading, m.badRequestText));
    // Only the username is logged: the password never leaves this function except inside the redirect.
    this.log.log(`${router.vendor} login redirect nasid=${JSON.stringify(router.nasIdentifier)} user=${JSON.stringify(username)}`);
    const attempt = attemptCookie(this.attemptKey, { routerId: router.id, username, at: Date.now() }, cookieScope(req.view));
    return { status: 303, location, cookies: [attempt] };
  }

  /**
   * Voucher mode: one field, the code, sent as username and password (the convention
   * uspot, CoovaChilli and MikroTik voucher setups use), through the router's own profile.
   * The code is the password, so it is never logged, not even as a username.
   */
  private voucherLogin(req: LoginRequest, pc: PageContext, router: PortalRouter, ctx: LoginContext): PortalResponse {
    const { m } = pc;
    const code = normaliseVoucherCode(firstString(req.body, 'code', 200));
    const again = (error: string) => this.formPage(400, pc, router, ctx, req, error, { voucher: { code: code ?? undefined } });
    if (router.termsText && req.body.terms !== '1' && req.body.terms !== 'on') return again(m.termsRequired);
    if (!code) return again(firstString(req.body, 'code', 200) ? m.voucherFailed : m.voucherRequired);
    const target = formTarget(ctx);
    let res: PortalResponse;
    if (target.viaPortal) {
      const location = this.routerLogin(router, ctx, code, code);
      if (!location) return page(400, messagePage(pc, m.badRequestHeading, m.badRequestText));
      res = { status: 303, location };
    } else {
      // MikroTik http-pap and generic gateways take the plain password in a form POST:
      // without scripts, one more click on a form that carries the code in both fields.
      res = page(200, voucherHandoffPage(pc, { ...target, hidden: { ...target.hidden, username: code, password: code } }));
    }
    this.log.log(`${router.vendor} voucher login nasid=${JSON.stringify(router.nasIdentifier)}`);
    const attempt = attemptCookie(this.attemptKey, { routerId: router.id, username: code, at: Date.now() }, cookieScope(req.view));
    return { ...res, cookies: [attempt] };
  }

  /** Voucher mode: the code from the link (a QR code) or the one this browser scanned earlier. */
  private prefill(router: PortalRouter, p: PortalParams, req: { cookies: Record<string, string> }): FormPrefill | undefined {
    if (router.portalMode !== 'voucher') return undefined;
    return { voucher: { code: normaliseVoucherCode(p.voucher) ?? voucherOf(req.cookies) } };
  }

  /** The router's own login URL, carrying only what that router accepts (CHAP wherever the link allows it). */
  private routerLogin(router: PortalRouter, ctx: LoginContext, username: string, password: string): string | undefined {
    const base = { uamip: ctx.uamip!, uamport: ctx.uamport, username, lang: ctx.lang, userurl: ctx.userurl, loginPath: router.loginPath };
    switch (router.vendor) {
      case 'uspot':
        // With a uam_secret uspot's challenge is mixed with it; without a challenge only the plain password is possible.
        if (router.uamSecret && !ctx.challenge) return undefined;
        return uspotLogonUrl({
          ...base,
          password,
          chapResponse: ctx.challenge ? chapResponse(password, ctx.challenge, router.uamSecret) : undefined,
        });
      case 'coova':
        // CoovaChilli without `nochallenge` takes no plain password; a link without a challenge is refused.
        return ctx.challenge
          ? coovaLogonUrl({ ...base, chapResponse: chapResponse(password, ctx.challenge, router.uamSecret) })
          : undefined;
      case 'mikrotik': {
        const hex = mikrotikChapPassword(ctx.chapId!, password, ctx.chapChallenge!);
        return hex ? mikrotikLoginUrl(mikrotikTarget(ctx), username, hex, ctx.userurl) : undefined;
      }
      default:
        return undefined;
    }
  }

  /**
   * The link may only send credentials to the router it names (issue 11 §5): MikroTik by
   * uamip and/or link-login-only, every other vendor by uamip.
   */
  private bound(router: PortalRouter, p: PortalParams): boolean {
    const ok =
      router.vendor === 'mikrotik'
        ? linkBoundToRouter(router, { uamip: p.uamip, loginTarget: p.loginTarget })
        : !!p.uamip && addressAllowed(router, p.uamip);
    if (!ok && router.uamAddresses.length === 0 && !router.uamHostname && !this.unboundWarned.has(router.id)) {
      this.unboundWarned.add(router.id);
      this.log.warn(`router ${JSON.stringify(router.nasIdentifier)} has no uamAddresses: the portal refuses its links until they are set`);
    }
    return ok;
  }

  private context(router: PortalRouter, p: PortalParams, lang: Lang): LoginContext {
    return {
      vendor: router.vendor,
      uamip: p.uamip,
      uamport: resolveUamPort(router.vendor, router.uamPort, p.uamport),
      loginTarget: p.loginTarget,
      userurl: p.userurl,
      nasid: p.nasid,
      challenge: p.challenge,
      chapId: p.chapId,
      chapChallenge: p.chapChallenge,
      lang,
      loginPath: router.loginPath,
    };
  }

  /** The login form, its token bound to this browser's client cookie (set here if it has none). */
  private formPage(
    status: number,
    pc: PageContext,
    router: PortalRouter,
    ctx: LoginContext,
    req: { view: RequestView; cookies: Record<string, string> },
    error?: string,
    fill: FormPrefill = {},
  ): PortalResponse {
    const known = clientIdOf(req.cookies);
    const clientId = known ?? newClientId();
    const voucher = router.portalMode === 'voucher' ? (fill.voucher ?? {}) : undefined;
    const target = voucher ? throughPortal(formTarget(ctx), ctx) : formTarget(ctx);
    if (target.viaPortal) target.hidden.csrf = signForm(this.formKey, target.hidden, clientId);
    const html = loginPage(pc, { target, termsText: router.termsText, error, username: fill.username, voucher }).value;
    return { status, html, cookies: known ? undefined : [clientCookie(clientId, cookieScope(req.view))] };
  }

  /**
   * One message for every failed login, except what the account holder needs to know
   * (expired, quota, device limit), and that only to the browser that typed the username:
   * the reason is looked up by the username in its signed cookie, never by the MAC in a link.
   * A `reply=` in the link is not shown: it is unsigned text, or the router's RADIUS detail.
   */
  private async failureText(pc: PageContext, router: PortalRouter, p: PortalParams, cookies: Record<string, string>): Promise<string> {
    if (p.reason === 'timeout' || ROUTER_TIMEOUT.test(p.error ?? '')) return pc.m.routerTimeout;
    const attempt = verifyAttempt(this.attemptKey, cookies);
    const voucher = router.portalMode === 'voucher';
    if (!attempt || attempt.routerId !== router.id) return voucher ? pc.m.voucherFailed : pc.m.loginFailed;
    const code = await this.directory.rejectReason(router.id, attempt.username, attempt.at).catch((err) => void this.lookupFailed(err));
    return voucher ? voucherReasonText(pc.m, voucherReason(code)) : reasonText(pc.m, code);
  }

  private pageContext(lang: Lang, router: PortalRouter | null): PageContext {
    const m = messages(lang);
    return { lang, m, brand: { title: router?.venueName || m.defaultTitle, logoUrl: router?.logoUrl } };
  }

  private paramProblem(lang: Lang, error: ParamError): PortalResponse {
    if (error === 'invalid_access' || error === 'bad_login_target') return this.invalidAccess(lang);
    const pc = this.pageContext(lang, null);
    return page(400, messagePage(pc, pc.m.badRequestHeading, pc.m.badRequestText));
  }

  /** Opened without the router, or with a link that does not belong to the router it names. */
  private invalidAccess(lang: Lang): PortalResponse {
    const pc = this.pageContext(lang, null);
    return page(400, messagePage(pc, pc.m.invalidAccessHeading, pc.m.invalidAccessText));
  }

  private unavailable(lang: Lang): PortalResponse {
    const pc = this.pageContext(lang, null);
    return page(503, messagePage(pc, pc.m.unavailableHeading, pc.m.unavailableText));
  }

  private lookupFailed(err: unknown): undefined {
    this.log.warn(`portal lookup failed: ${(err as Error)?.message ?? err}`);
    return undefined;
  }
}

interface FormPrefill {
  username?: string;
  voucher?: { code?: string };
}

/**
 * Voucher mode's form always posts to the portal, which turns the one code into the
 * router's username and password. A target that goes straight to the router (MikroTik
 * http-pap, generic) keeps in its hidden fields what the portal needs to rebuild it.
 */
function throughPortal(target: FormTarget, ctx: LoginContext): FormTarget {
  if (target.viaPortal) return target;
  const hidden: Record<string, string> = { ...target.hidden, lang: ctx.lang };
  if (ctx.loginTarget) hidden['link-login-only'] = ctx.loginTarget.url;
  return { action: PORTAL_LOGIN_PATH, viaPortal: true, hidden };
}

function cookieScope(view: RequestView): CookieScope {
  return { secure: view.origin.startsWith('https:'), pathPrefix: view.pathPrefix };
}

function page(status: number, body: SafeHtml | string): PortalResponse {
  return { status, html: String(body) };
}
