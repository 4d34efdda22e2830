import type { RouterVendor } from '@app/aaa';
import { LoginTarget } from './portal-params';

/** Pure: where each vendor's login goes and which URLs the result pages link to. */

export const PORTAL_LOGIN_PATH = '/portal/login';

/** uspot's uam_port and CoovaChilli's uamport default to 3990; the seed's gateway and RouterOS listen on 80. */
export function defaultUamPort(vendor: RouterVendor): number {
  return vendor === 'uspot' || vendor === 'coova' ? 3990 : 80;
}

/** The NAS record wins over the URL, so a forged uamport cannot redirect credentials. */
export function resolveUamPort(vendor: RouterVendor, routerPort: number | null | undefined, urlPort: number | undefined): number {
  return routerPort ?? urlPort ?? defaultUamPort(vendor);
}

function origin(uamip: string, port: number, omit80: boolean): string {
  return omit80 && port === 80 ? `http://${uamip}` : `http://${uamip}:${port}`;
}

/** Where a MikroTik login goes: `$(link-login-only)`, or for an old-style link `http://uamip[:port]/login`. */
export function mikrotikTarget(ctx: { uamip?: string; uamport: number; loginTarget?: LoginTarget }): LoginTarget {
  if (ctx.loginTarget) return ctx.loginTarget;
  const o = origin(ctx.uamip!, ctx.uamport, true);
  return { url: `${o}/login`, origin: o, host: ctx.uamip! };
}

export interface LoginContext {
  vendor: RouterVendor;
  uamip?: string;
  uamport: number;
  loginTarget?: LoginTarget;
  userurl: string;
  nasid?: string;
  challenge?: string;
  chapId?: string;
  chapChallenge?: string;
  lang: string;
  loginPath?: string | null;
}

export interface FormTarget {
  action: string;
  /** True when the form posts to this portal, which then redirects to the router. */
  viaPortal: boolean;
  hidden: Record<string, string>;
}

/** MikroTik http-chap: only with both values from login.html does the portal compute the password. */
export const mikrotikChap = (ctx: Pick<LoginContext, 'chapId' | 'chapChallenge'>) => !!ctx.chapId && !!ctx.chapChallenge;

export function formTarget(ctx: LoginContext): FormTarget {
  const hidden: Record<string, string> = {};
  if (ctx.uamip) Object.assign(hidden, { uamip: ctx.uamip, uamport: String(ctx.uamport) });
  hidden.userurl = ctx.userurl;
  if (ctx.nasid) hidden.nasid = ctx.nasid;
  switch (ctx.vendor) {
    case 'uspot':
    case 'coova':
      // Both read /logon's parameters from the query string only (uspot does not even
      // decode `+`): the portal builds that URL itself, with a CHAP response when it can.
      if (ctx.challenge) hidden.challenge = ctx.challenge;
      hidden.lang = ctx.lang;
      return { action: PORTAL_LOGIN_PATH, viaPortal: true, hidden };
    case 'mikrotik': {
      const target = mikrotikTarget(ctx);
      if (mikrotikChap(ctx)) {
        // http-chap: the portal computes MD5(chap-id ‖ password ‖ challenge) server-side.
        Object.assign(hidden, {
          'link-login-only': target.url,
          'chap-id': ctx.chapId!,
          'chap-challenge': ctx.chapChallenge!,
          lang: ctx.lang,
        });
        return { action: PORTAL_LOGIN_PATH, viaPortal: true, hidden };
      }
      // http-pap: RouterOS takes the plain password, straight from the form.
      const action = ctx.loginTarget ? target.url : origin(ctx.uamip!, ctx.uamport, true) + (ctx.loginPath ?? '/login');
      return { action, viaPortal: false, hidden: { ...hidden, dst: ctx.userurl } };
    }
    default:
      return { action: origin(ctx.uamip!, ctx.uamport, false) + (ctx.loginPath ?? '/login'), viaPortal: false, hidden };
  }
}

export interface LogonInput {
  uamip: string;
  uamport: number;
  username: string;
  password: string;
  lang: string;
  userurl: string;
  loginPath?: string | null;
  /** Present when the link carried a challenge: the portal sends a CHAP response instead of the password. */
  chapResponse?: string;
}

/** uspot `/logon` URL, every value encodeURIComponent'ed (uspot decodes %XX but not `+`). */
export function uspotLogonUrl(input: LogonInput): string {
  const q = [`username=${encodeURIComponent(input.username)}`];
  if (input.chapResponse) q.push(`response=${input.chapResponse}`);
  else q.push(`password=${encodeURIComponent(input.password)}`);
  q.push(`lang=${encodeURIComponent(input.lang)}`);
  // uspot carries userurl into res=success only when /logon had redir=.
  q.push(`redir=${encodeURIComponent(input.userurl)}`);
  return `${origin(input.uamip, input.uamport, false)}${input.loginPath ?? '/logon'}?${q.join('&')}`;
}

/**
 * CoovaChilli's default login (src/redir.c, REDIR_LOGIN): `GET /logon` with `username`
 * and the CHAP `response`. redir_getparam() URL-decodes `userurl` and redir_urldecode()
 * decodes it once more, so it is encoded twice here.
 */
export function coovaLogonUrl(input: Omit<LogonInput, 'password'> & { chapResponse: string }): string {
  const q = [
    `username=${encodeURIComponent(input.username)}`,
    `response=${input.chapResponse}`,
    `userurl=${encodeURIComponent(encodeURIComponent(input.userurl))}`,
    `lang=${encodeURIComponent(input.lang)}`,
  ];
  return `${origin(input.uamip, input.uamport, false)}${input.loginPath ?? '/logon'}?${q.join('&')}`;
}

/** RouterOS takes the login at $(link-login-only) by POST or, as here, GET: username, hex CHAP password, dst. */
export function mikrotikLoginUrl(target: LoginTarget, username: string, chapPassword: string, dst: string): string {
  return `${target.url}?username=${encodeURIComponent(username)}&password=${chapPassword}&dst=${encodeURIComponent(dst)}`;
}

export interface ResultLinks {
  vendor: RouterVendor;
  uamip?: string;
  uamport: number;
  loginTarget?: LoginTarget;
  userurl: string;
}

export function logoffUrl(ctx: ResultLinks): string {
  return ctx.vendor === 'mikrotik' ? `${mikrotikTarget(ctx).origin}/logout` : `${origin(ctx.uamip!, ctx.uamport, false)}/logoff`;
}

/** After logoff any plain-http page is intercepted again; MikroTik also serves its own login. */
export function loginAgainUrl(ctx: ResultLinks): string {
  return ctx.vendor === 'mikrotik' ? mikrotikTarget(ctx).url : ctx.userurl;
}
