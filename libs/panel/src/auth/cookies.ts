import { randomBytes } from 'node:crypto';

/**
 * The panel's cookies: HttpOnly, SameSite=Lax, Path=/panel, Secure whenever the browser
 * reached us over TLS. Pure.
 *
 * - `panel_session`: the session's random token (only its SHA-256 is stored). No
 *   Max-Age: the server ends sessions (idle and absolute expiry, sign-out).
 * - `panel_pre`: a random id for a browser that is not signed in; CSRF tokens of the
 *   sign-in and invite forms are bound to it.
 * - `panel_lang`: the language picked with `?lang=`.
 */
export const SESSION_COOKIE = 'panel_session';
export const PRE_COOKIE = 'panel_pre';
export const LANG_COOKIE = 'panel_lang';

export interface CookieScope {
  secure: boolean;
  pathPrefix: string;
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').slice(0, 8192).split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

/** 32 random bytes, base64url: a session token or an invite token. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function newPreId(): string {
  return randomBytes(16).toString('base64url');
}

/** The value of a cookie holding one of our tokens; undefined for anything else. */
export function tokenOf(cookies: Record<string, string>, name: string, length = 43): string | undefined {
  const value = cookies[name];
  return value && value.length === length && /^[A-Za-z0-9_-]+$/.test(value) ? value : undefined;
}

export function setCookie(name: string, value: string, scope: CookieScope, maxAgeSeconds?: number): string {
  const age = maxAgeSeconds === undefined ? '' : `; Max-Age=${maxAgeSeconds}`;
  return `${name}=${value}; Path=${scope.pathPrefix}/panel${age}; HttpOnly; SameSite=Lax${scope.secure ? '; Secure' : ''}`;
}

export function clearCookie(name: string, scope: CookieScope): string {
  return setCookie(name, '', scope, 0);
}
