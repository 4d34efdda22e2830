import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** URL-safe random token; 32 bytes gives 43 characters. */
export function generateToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
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
