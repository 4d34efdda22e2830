import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The portal's two cookies, both HttpOnly, SameSite=Lax, Path=/portal, Secure on https.
 * Captive mini-browsers (iOS CNA, Android's portal login) keep cookies for the life of
 * their window, which is all either cookie needs. Pure, no I/O.
 *
 * - `portal_client`: a random id per browser; the form token is bound to it (login CSRF).
 * - `portal_attempt`: which username this browser just tried on which router, signed, for
 *   ten minutes, so a reject page can say "expired" to the person who typed the name,
 *   and to nobody who only knows a MAC address.
 */
export const CLIENT_COOKIE = 'portal_client';
export const ATTEMPT_COOKIE = 'portal_attempt';
export const ATTEMPT_MAX_AGE_MS = 10 * 60_000;
/**
 * `portal_voucher`: the code from a card's QR code, kept an hour so the login page the
 * hotspot shows next has it filled in. Only this browser's own code, never logged.
 */
export const VOUCHER_COOKIE = 'portal_voucher';
const VOUCHER_MAX_AGE_S = 3600;
const CLIENT_MAX_AGE_S = 24 * 3600;

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').slice(0, 8192).split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

export function clientIdOf(cookies: Record<string, string>): string | undefined {
  const id = cookies[CLIENT_COOKIE];
  return id && /^[A-Za-z0-9_-]{22}$/.test(id) ? id : undefined;
}

export function newClientId(): string {
  return randomBytes(16).toString('base64url');
}

/** Where the browser sees the portal: `Secure` on https, and the path behind a proxy's prefix (PUBLIC_URL). */
export interface CookieScope {
  secure: boolean;
  pathPrefix: string;
}

export function setCookie(name: string, value: string, scope: CookieScope, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=${scope.pathPrefix}/portal; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${scope.secure ? '; Secure' : ''}`;
}

export const clientCookie = (id: string, scope: CookieScope) => setCookie(CLIENT_COOKIE, id, scope, CLIENT_MAX_AGE_S);

export interface LoginAttempt {
  routerId: string;
  username: string;
  at: number;
}

export function deriveAttemptKey(secretKey: Buffer): Buffer {
  return createHmac('sha256', secretKey).update('portal-attempt-v1').digest();
}

const sign = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

export function attemptCookie(key: Buffer, a: LoginAttempt, scope: CookieScope): string {
  const payload = `${a.at}.${a.routerId}.${Buffer.from(a.username, 'utf8').toString('base64url')}`;
  return setCookie(ATTEMPT_COOKIE, `${payload}.${sign(key, payload)}`, scope, ATTEMPT_MAX_AGE_MS / 1000);
}

export function verifyAttempt(key: Buffer, cookies: Record<string, string>, now = Date.now()): LoginAttempt | null {
  const m = /^((\d{10,16})\.([0-9a-f-]{36})\.([A-Za-z0-9_-]{1,400}))\.([A-Za-z0-9_-]{43})$/.exec(cookies[ATTEMPT_COOKIE] ?? '');
  if (!m || !timingSafeEqual(Buffer.from(sign(key, m[1])), Buffer.from(m[5]))) return null;
  const at = Number(m[2]);
  if (at > now + 60_000 || now - at > ATTEMPT_MAX_AGE_MS) return null;
  return { at, routerId: m[3], username: Buffer.from(m[4], 'base64url').toString('utf8') };
}

export const voucherCookie = (code: string, scope: CookieScope) => setCookie(VOUCHER_COOKIE, code, scope, VOUCHER_MAX_AGE_S);

export function voucherOf(cookies: Record<string, string>): string | undefined {
  const code = cookies[VOUCHER_COOKIE];
  return code && /^[A-Z0-9_-]{1,64}$/.test(code) ? code : undefined;
}
