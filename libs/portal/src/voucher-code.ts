import { canonicalUsername } from '@app/aaa';

/**
 * A voucher code as typed or scanned, in the form it was printed: spaces (people copy
 * codes in groups) removed, upper case (codes are generated in upper case, and the
 * password, unlike the username, is compared exactly). Null when it cannot be a login.
 */
export function normaliseVoucherCode(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length > 200) return null;
  const code = raw.replace(/[\s\u00a0]+/g, '').toUpperCase();
  return canonicalUsername(code) ? code : null;
}

/** Reject reasons a voucher holder gets told, and which text says it. */
export type VoucherReason = 'expired' | 'used_up' | 'revoked' | 'in_use';

/**
 * Only someone who typed the code sees these, and the code is the password: a reason
 * tells them nothing they could not learn by logging in. Plan limits (data, time) all
 * mean "used up" on a card.
 */
export function voucherReason(code: string | null | undefined): VoucherReason | null {
  if (!code) return null;
  if (code === 'expired') return 'expired';
  if (code === 'disabled' || code === 'banned') return 'revoked';
  if (code === 'max_sessions') return 'in_use';
  if (/quota|limit|used|exceeded/.test(code)) return 'used_up';
  return null;
}
