import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Stateless CSRF/tamper token for the portal's own login form: HMAC over the hidden
 * fields, the render time and the browser's client id (the `portal_client` cookie, see
 * portal-cookies.ts). A POST cannot swap uamip/uamport after the render, and a token
 * fetched by one browser (an attacker's) is worthless in another (a victim's).
 */

export const FORM_TOKEN_MAX_AGE_MS = 30 * 60_000;

export function deriveFormKey(secretKey: Buffer): Buffer {
  return createHmac('sha256', secretKey).update('portal-form-token-v2').digest();
}

function mac(key: Buffer, fields: Record<string, string>, clientId: string, ts: number): string {
  const canonical = JSON.stringify([
    ts,
    clientId,
    ...Object.keys(fields)
      .sort()
      .map((k) => [k, fields[k]]),
  ]);
  return createHmac('sha256', key).update(canonical).digest('base64url');
}

export function signForm(key: Buffer, fields: Record<string, string>, clientId: string, now = Date.now()): string {
  return `${now}.${mac(key, fields, clientId, now)}`;
}

export function verifyForm(
  key: Buffer,
  fields: Record<string, string>,
  clientId: string | undefined,
  token: string | undefined,
  now = Date.now(),
): boolean {
  const m = /^(\d{10,16})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '');
  if (!m || !clientId) return false;
  const ts = Number(m[1]);
  if (ts > now + 60_000 || now - ts > FORM_TOKEN_MAX_AGE_MS) return false;
  return timingSafeEqual(Buffer.from(mac(key, fields, clientId, ts)), Buffer.from(m[2]));
}
