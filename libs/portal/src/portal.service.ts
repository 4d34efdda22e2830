import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig, canonicalUsername, RouterVendor } from '@app/aaa';
import { deriveFormKey, signForm, verifyForm } from './form-token';
import { Lang, Messages, messages, pickLang, reasonText } from './i18n';
import { firstString, ParamError, parsePortalParams, PortalParams } from './portal-params';
import { PortalDirectory, PortalRouter } from './portal-directory.service';
import { PORTAL_OPTIONS, PortalOptions } from './portal-options';
import { LoginRateLimiter } from './login-rate-limiter';
import { connectedPage, loggedOutPage, loginPage, messagePage, PageContext } from './templates/pages';
import { SafeHtml } from './templates/html';
import { chapResponse, verifyMd } from './uam-signature';
import { formTarget, loginAgainUrl, logoffUrl, resolveUamPort, uspotLogonUrl } from './vendor-profiles';

/** What the controller sends: a page, or a redirect to the router. */
export interface PortalResponse {
  status: number;
  html?: string;
  location?: string;
}

export interface ShowRequest {
  query: Record<string, unknown>;
  /** Raw request URL (path + query) exactly as received: `md` covers these bytes. */
  url: string;
  /** scheme://host of the request, used when the router has no uam_server. */
  origin: string;
  acceptLanguage?: string;
}

export interface LoginRequest {
  body: Record<string, unknown>;
  clientIp: string;
  acceptLanguage?: string;
}

/** Hidden fields of the portal's own form; the form token signs exactly these. */
const SIGNED_FIELDS = ['uamip', 'uamport', 'userurl', 'nasid', 'challenge', 'lang'] as const;

type Ctx = Pick<PortalParams, 'uamip' | 'userurl' | 'nasid' | 'challenge'> & { uamport: number; vendor: RouterVendor };

@Injectable()
export class PortalService {
  private readonly log = new Logger('Portal');
  private readonly formKey: Buffer;

  constructor(
    private readonly directory: PortalDirectory,
    private readonly limiter: LoginRateLimiter,
    @Inject(PORTAL_OPTIONS) private readonly options: PortalOptions,
    config: AppConfig,
  ) {
    this.formKey = deriveFormKey(config.secretKey);
  }

  /** GET /portal: the router's redirect, in any result state. */
  async show(req: ShowRequest): Promise<PortalResponse> {
    const parsed = parsePortalParams(req.query, { allowLoopback: this.options.allowLoopbackUamip });
    if (!parsed.ok) return this.paramProblem(pickLang(firstString(req.query, 'lang'), req.acceptLanguage), parsed.error);
    const p = parsed.params;
    const lang = pickLang(p.lang, req.acceptLanguage);
    const router = await this.directory.router(p.nasid).catch((err) => this.lookupFailed(err));
    if (router === undefined) return this.unavailable(lang);
    const pc = this.pageContext(lang, router);
    if (router?.uamSecret) {
      const [path, query = ''] = req.url.split(/\?(.*)/s);
      if (!verifyMd(router.uamServer ?? req.origin + path, query, router.uamSecret)) {
        return page(403, messagePage(pc, pc.m.badSignatureHeading, pc.m.badSignatureText));
      }
    }
    const vendor = router?.vendor ?? 'generic';
    const ctx: Ctx = { ...p, vendor, uamport: resolveUamPort(vendor, router?.uamPort, p.uamport) };
    switch (p.res) {
      case 'success':
      case 'already':
        return page(
          200,
          connectedPage(pc, {
            userurl: p.userurl,
            logoffUrl: logoffUrl(vendor, p.uamip, ctx.uamport),
            reply: p.reply,
            timeleft: p.timeleft,
          }),
        );
      case 'logoff':
        return page(200, loggedOutPage(pc, loginAgainUrl(vendor, p.uamip, ctx.uamport, p.userurl)));
      case 'reject':
      case 'failed':
        return page(200, this.form(pc, router, ctx, await this.rejectText(pc.m, router, p)));
      default:
        return page(200, this.form(pc, router, ctx));
    }
  }

  /** POST /portal/login: uspot only; turns the form into the router's /logon redirect. */
  async login(req: LoginRequest): Promise<PortalResponse> {
    const body = req.body;
    const lang = pickLang(firstString(body, 'lang'), req.acceptLanguage);
    const m = messages(lang);
    if (!this.limiter.take(req.clientIp)) return page(429, messagePage(this.pageContext(lang, null), m.tooManyHeading, m.tooManyText));
    const parsed = parsePortalParams(body, { allowLoopback: this.options.allowLoopbackUamip });
    if (!parsed.ok) return this.paramProblem(lang, parsed.error);
    const p = parsed.params;
    const signed: Record<string, string> = {};
    for (const k of SIGNED_FIELDS) if (typeof body[k] === 'string') signed[k] = body[k] as string;
    const router = await this.directory.router(p.nasid).catch((err) => this.lookupFailed(err));
    if (router === undefined) return this.unavailable(lang);
    const pc = this.pageContext(lang, router);
    if (!verifyForm(this.formKey, signed, firstString(body, 'csrf', 100))) {
      return page(403, messagePage(pc, m.formExpiredHeading, m.formExpiredText, { href: p.userurl, label: m.loginAgain }));
    }
    if (router?.vendor !== 'uspot') return page(400, messagePage(pc, m.badRequestHeading, m.badRequestText));
    const ctx: Ctx = { ...p, vendor: 'uspot', uamport: resolveUamPort('uspot', router.uamPort, p.uamport) };
    // What was typed, without the spaces a keyboard may add around it.
    const typed = firstString(body, 'username', 253);
    const password = typeof body.password === 'string' ? body.password : '';
    if (router.termsText && body.terms !== '1' && body.terms !== 'on') {
      return page(400, this.form(pc, router, ctx, m.termsRequired, typed));
    }
    if (!typed) return page(400, this.form(pc, router, ctx, m.usernameRequired));
    // The router sends this as User-Name: the one canonical form the API matches
    // (@app/aaa canonicalUsername). Anything else could never log in, so it is
    // refused here with the message a wrong password gets: it names no account.
    const username = canonicalUsername(typed);
    if (!username || password.length > 128) return page(400, this.form(pc, router, ctx, m.loginFailed, typed));
    if (router.uamSecret && !p.challenge) return page(400, messagePage(pc, m.badRequestHeading, m.badRequestText));
    // Only the username is logged: the password never leaves this function except inside the redirect.
    this.log.log(`uspot logon redirect nasid=${p.nasid} user=${JSON.stringify(username)} chap=${!!router.uamSecret}`);
    return {
      status: 303,
      location: uspotLogonUrl({
        uamip: p.uamip,
        uamport: ctx.uamport,
        username,
        password,
        lang,
        userurl: p.userurl,
        loginPath: router.loginPath,
        chapResponse: router.uamSecret ? chapResponse(password, p.challenge!, router.uamSecret) : undefined,
      }),
    };
  }

  private form(pc: PageContext, router: PortalRouter | null, ctx: Ctx, error?: string, username?: string): string {
    const target = formTarget({ ...ctx, lang: pc.lang, loginPath: router?.loginPath });
    if (target.viaPortal) target.hidden.csrf = signForm(this.formKey, target.hidden);
    return loginPage(pc, { target, termsText: router?.termsText, error, username }).value;
  }

  /** Coova sends `reply`; uspot sends nothing, so ask the RADIUS log for this device. */
  private async rejectText(m: Messages, router: PortalRouter | null, p: PortalParams): Promise<string> {
    if (p.reply) return p.reply;
    if (router && p.mac) {
      const code = await this.directory.rejectReason(router.id, p.mac).catch((err) => void this.lookupFailed(err));
      if (code) return reasonText(m, code);
    }
    return p.reason === 'timeout' ? m.routerTimeout : m.loginFailed;
  }

  private pageContext(lang: Lang, router: PortalRouter | null): PageContext {
    const m = messages(lang);
    return { lang, m, brand: { title: router?.venueName || m.defaultTitle, logoUrl: router?.logoUrl } };
  }

  private paramProblem(lang: Lang, error: ParamError): PortalResponse {
    const pc = this.pageContext(lang, null);
    return error === 'invalid_access'
      ? page(400, messagePage(pc, pc.m.invalidAccessHeading, pc.m.invalidAccessText))
      : page(400, messagePage(pc, pc.m.badRequestHeading, pc.m.badRequestText));
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

function page(status: number, body: SafeHtml | string): PortalResponse {
  return { status, html: String(body) };
}
