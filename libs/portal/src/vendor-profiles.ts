import type { RouterVendor } from '@app/aaa';

/** Pure: where each vendor's login goes and which URLs the result pages link to. */

export const PORTAL_LOGIN_PATH = '/portal/login';

/** Coova/seed listen on 80 by default in this setup; uspot's uam_port defaults to 3990. */
export function defaultUamPort(vendor: RouterVendor): number {
  return vendor === 'uspot' ? 3990 : 80;
}

/** The NAS record wins over the URL, so a forged uamport cannot redirect credentials. */
export function resolveUamPort(vendor: RouterVendor, routerPort: number | null | undefined, urlPort: number | undefined): number {
  return routerPort ?? urlPort ?? defaultUamPort(vendor);
}

function origin(uamip: string, port: number, omit80: boolean): string {
  return omit80 && port === 80 ? `http://${uamip}` : `http://${uamip}:${port}`;
}

export interface LoginContext {
  vendor: RouterVendor;
  uamip: string;
  uamport: number;
  userurl: string;
  nasid?: string;
  challenge?: string;
  lang: string;
  loginPath?: string | null;
}

export interface FormTarget {
  action: string;
  /** True when the form posts to this portal, which then redirects to the router. */
  viaPortal: boolean;
  hidden: Record<string, string>;
}

export function formTarget(ctx: LoginContext): FormTarget {
  const hidden: Record<string, string> = { uamip: ctx.uamip, uamport: String(ctx.uamport), userurl: ctx.userurl };
  if (ctx.nasid) hidden.nasid = ctx.nasid;
  switch (ctx.vendor) {
    case 'uspot':
      // uspot reads only the query string and does not decode `+`, which a GET form
      // would produce: the portal builds the /logon URL itself (and CHAP when it can).
      if (ctx.challenge) hidden.challenge = ctx.challenge;
      hidden.lang = ctx.lang;
      return { action: PORTAL_LOGIN_PATH, viaPortal: true, hidden };
    case 'mikrotik':
      return {
        action: origin(ctx.uamip, ctx.uamport, true) + (ctx.loginPath ?? '/login'),
        viaPortal: false,
        hidden: { ...hidden, dst: ctx.userurl },
      };
    default:
      return { action: origin(ctx.uamip, ctx.uamport, false) + (ctx.loginPath ?? '/login'), viaPortal: false, hidden };
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
  /** Present with a uam_secret: the portal sends a CHAP response instead of the password. */
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

export function logoffUrl(vendor: RouterVendor, uamip: string, uamport: number): string {
  return vendor === 'mikrotik' ? `${origin(uamip, uamport, true)}/logout` : `${origin(uamip, uamport, false)}/logoff`;
}

/** After logoff any plain-http page is intercepted again; MikroTik also serves its own login. */
export function loginAgainUrl(vendor: RouterVendor, uamip: string, uamport: number, userurl: string): string {
  return vendor === 'mikrotik' ? `${origin(uamip, uamport, true)}/login` : userurl;
}
