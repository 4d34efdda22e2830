import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** URL-safe random token; 32 bytes gives 43 characters. */
export function generateToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A shared secret an operator pastes into a router and shell commands: letters and digits
 * only (32 give about 190 bits). base64url's '-' made one secret in 64 start like an option
 * (`radtest … 0 -xY…` prints radclient's usage instead of sending).
 */
export function generateRadiusSecret(length = 32): string {
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length)) {
      // 248 = 4 × 62: rejecting the rest keeps every character equally likely.
      if (b < 248 && out.length < length) out += ALNUM[b % 62];
    }
  }
  return out;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * A checker for one fixed secret (an API token): its digest is computed once, so each
 * request hashes only the candidate. Same timing guarantees as safeEqual().
 */
export function secretMatcher(expected: string): (candidate: string | undefined) => boolean {
  const want = createHash('sha256').update(expected).digest();
  return (candidate) => candidate !== undefined && timingSafeEqual(createHash('sha256').update(candidate).digest(), want);
}

/** Compares secrets without leaking their length or prefix through timing. */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
