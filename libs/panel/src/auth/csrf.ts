import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * CSRF tokens for every panel form, with the Origin check done by the caller (sameOrigin).
 *
 * - Signed in: one token per session, an HMAC of the session's id hash. A page from
 *   another site cannot read it (no CORS, no script), and it dies with the session.
 * - Not yet signed in (sign-in, invite): an HMAC of the random `panel_pre` cookie and the
 *   render time, valid an hour, so an attacker's token is worthless in a victim's browser
 *   (login CSRF) and an old page cannot be replayed forever.
 *
 * Pure; the key is derived from SECRET_KEY.
 */
export const PRE_TOKEN_MAX_AGE_MS = 60 * 60_000;

export function deriveCsrfKey(secretKey: Buffer): Buffer {
  return createHmac('sha256', secretKey).update('panel-csrf-v1').digest();
}

const mac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest('base64url');

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function sessionToken(key: Buffer, sessionIdHash: string): string {
  return mac(key, `session:${sessionIdHash}`);
}

export function verifySessionToken(key: Buffer, sessionIdHash: string, token: string | undefined): boolean {
  return typeof token === 'string' && equal(sessionToken(key, sessionIdHash), token);
}

export function preToken(key: Buffer, preId: string, now = Date.now()): string {
  return `${now}.${mac(key, `pre:${preId}:${now}`)}`;
}

export function verifyPreToken(key: Buffer, preId: string | undefined, token: string | undefined, now = Date.now()): boolean {
  const m = /^(\d{10,16})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '');
  if (!m || !preId) return false;
  const ts = Number(m[1]);
  if (ts > now + 60_000 || now - ts > PRE_TOKEN_MAX_AGE_MS) return false;
  return equal(mac(key, `pre:${preId}:${ts}`), m[2]);
}
