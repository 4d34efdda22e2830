import { Injectable } from '@nestjs/common';
import { AppConfig, Customer, sameOrigin } from '@app/aaa';
import { signInAllowed } from '../allowlist/allowlist';
import { PanelSession } from '../auth/panel-session.entity';
import { PanelSessions } from '../auth/panel-sessions.service';
import { clearCookie, CookieScope, LANG_COOKIE, newPreId, PRE_COOKIE, SESSION_COOKIE, setCookie, tokenOf } from '../auth/cookies';
import { deriveCsrfKey, preToken, sessionToken, verifyPreToken, verifySessionToken } from '../auth/csrf';
import { ConnectionView, CustomerView } from '../queries/customer-view.service';
import { formats } from './format';
import { isLang, messages, pickLang } from './i18n';
import { messagePage } from './templates/auth-pages';
import { PageContext } from './templates/layout';
import { field, page, redirect, WebRequest, WebResponse } from './web-types';

/** Language, formats and cookies for one request, before anyone is signed in. */
export interface Visitor {
  ctx: PageContext;
  /** Cookies every response to this request sets (the language picked with ?lang=). */
  cookies: string[];
  scope: CookieScope;
  clientIp: string;
}

/** A signed-in customer on a request, already checked against the allowlist. */
export interface Visit extends Visitor {
  session: PanelSession;
  customer: Customer;
  connections: ConnectionView[];
}

const YEAR_S = 365 * 24 * 3600;

/**
 * Who is asking, in which language, and may they: the session cookie, the server-side
 * expiry, the allowlist on every request (a session opened inside the allowed networks
 * does not work from outside them), and the CSRF checks of every form.
 */
@Injectable()
export class PanelGate {
  private readonly csrfKey: Buffer;

  constructor(
    private readonly sessions: PanelSessions,
    private readonly view: CustomerView,
    config: AppConfig,
  ) {
    this.csrfKey = deriveCsrfKey(config.secretKey);
  }

  visitor(req: WebRequest): Visitor {
    const param = req.query.lang;
    const lang = pickLang(
      param,
      req.cookies[LANG_COOKIE],
      typeof req.headers['accept-language'] === 'string' ? req.headers['accept-language'] : undefined,
    );
    const scope: CookieScope = { secure: req.view.origin.startsWith('https:'), pathPrefix: req.view.pathPrefix };
    const cookies = isLang(param) ? [setCookie(LANG_COOKIE, param, scope, YEAR_S)] : [];
    const ctx: PageContext = { lang, m: messages(lang), f: formats(lang, this.view.zone), zone: this.view.zone, path: req.path };
    return { ctx, cookies, scope, clientIp: req.view.clientIp };
  }

  /** The signed-in customer, or the response that sends this browser elsewhere. */
  async visit(req: WebRequest): Promise<Visit | WebResponse> {
    const visitor = this.visitor(req);
    const token = tokenOf(req.cookies, SESSION_COOKIE);
    const session = await this.sessions.resolve(token);
    const customer = session ? await this.view.customer(session.customerId) : null;
    if (!session || !customer) {
      const cookies = [...visitor.cookies, ...(token ? [clearCookie(SESSION_COOKIE, visitor.scope)] : [])];
      return redirect(token ? '/panel/sign-in?done=ended' : '/panel/sign-in', cookies);
    }
    const connections = await this.view.connections(customer.id);
    const ctx: PageContext = { ...visitor.ctx, user: { name: customer.name, csrf: sessionToken(this.csrfKey, session.idHash) } };
    if (!signInAllowed(visitor.clientIp, connections)) {
      const m = ctx.m.signIn;
      return page(403, messagePage(ctx, m.notAllowedHeading, m.notAllowedText(visitor.clientIp)), visitor.cookies);
    }
    return { ...visitor, ctx, session, customer, connections };
  }

  /** A signed-in form: posted from our own origin, with this session's token. */
  sessionFormOk(req: WebRequest, visit: Visit): boolean {
    return sameOrigin(req.headers, req.view.origin) && verifySessionToken(this.csrfKey, visit.session.idHash, field(req.body, 'csrf', 100));
  }

  /** The token for a form shown before sign-in, bound to this browser's `panel_pre` cookie (set here when missing). */
  preForm(req: WebRequest, visitor: Visitor): string {
    let preId = tokenOf(req.cookies, PRE_COOKIE, 22);
    if (!preId) {
      preId = newPreId();
      visitor.cookies.push(setCookie(PRE_COOKIE, preId, visitor.scope, 24 * 3600));
    }
    return preToken(this.csrfKey, preId);
  }

  preFormOk(req: WebRequest): boolean {
    return (
      sameOrigin(req.headers, req.view.origin) &&
      verifyPreToken(this.csrfKey, tokenOf(req.cookies, PRE_COOKIE, 22), field(req.body, 'csrf', 100))
    );
  }
}
