import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Stateless CSRF/tamper token for the portal's own login form: HMAC over the
 * hidden fields plus the render time. No cookie is needed (CNA mini-browsers
 * often drop them), and a POST cannot swap uamip/uamport after the render.
 */

export const FORM_TOKEN_MAX_AGE_MS = 30 * 60_000;

export function deriveFormKey(secretKey: Buffer): Buffer {
  return createHmac('sha256', secretKey).update('portal-form-token-v1').digest();
}

function mac(key: Buffer, fields: Record<string, string>, ts: number): string {
  const canonical = JSON.stringify([
    ts,
    ...Object.keys(fields)
      .sort()
      .map((k) => [k, fields[k]]),
  ]);
  return createHmac('sha256', key).update(canonical).digest('base64url');
}

export function signForm(key: Buffer, fields: Record<string, string>, now = Date.now()): string {
  return `${now}.${mac(key, fields, now)}`;
}

export function verifyForm(key: Buffer, fields: Record<string, string>, token: string | undefined, now = Date.now()): boolean {
  const m = /^(\d{10,16})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '');
  if (!m) return false;
  const ts = Number(m[1]);
  if (ts > now + 60_000 || now - ts > FORM_TOKEN_MAX_AGE_MS) return false;
  return timingSafeEqual(Buffer.from(mac(key, fields, ts)), Buffer.from(m[2]));
}
