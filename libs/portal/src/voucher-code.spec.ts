import { normaliseVoucherCode, voucherReason } from './voucher-code';

describe('voucher codes in the portal', () => {
  it.each<[unknown, string | null]>([
    ['K7MXQ4TAWP', 'K7MXQ4TAWP'],
    ['k7mxq4tawp', 'K7MXQ4TAWP'],
    ['  K7MX Q4TA WP ', 'K7MXQ4TAWP'],
    ['K7MX\u00a0Q4TA', 'K7MXQ4TA'],
    ['CAFE-K7MXQ4', 'CAFE-K7MXQ4'],
    ['', null],
    ['   ', null],
    ['K7MX/Q4', null],
    ['K7MXÄ', null],
    ['A'.repeat(65), null],
    [42, null],
    [undefined, null],
  ])('%p → %p', (raw, code) => expect(normaliseVoucherCode(raw)).toBe(code));

  it.each<[string | null, string | null]>([
    ['expired', 'expired'],
    ['quota_exceeded', 'used_up'],
    ['time_quota_exceeded', 'used_up'],
    ['time_exceeded', 'used_up'],
    ['data_limit', 'used_up'],
    ['disabled', 'revoked'],
    ['banned', 'revoked'],
    ['max_sessions', 'in_use'],
    ['wrong_password', null],
    ['unknown_user', null],
    ['restricted', null],
    [null, null],
  ])('reason %p → %p', (code, reason) => expect(voucherReason(code)).toBe(reason));
});
