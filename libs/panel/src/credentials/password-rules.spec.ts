import { DEVICE_PASSWORD_MIN, PANEL_PASSWORD_MIN, passwordProblem } from './password-rules';

describe('passwordProblem()', () => {
  it.each([
    [undefined, undefined, PANEL_PASSWORD_MIN, 'missing'],
    ['', '', PANEL_PASSWORD_MIN, 'missing'],
    ['short-pw1', 'short-pw1', PANEL_PASSWORD_MIN, 'too_short'],
    ['long enough', 'long enough', PANEL_PASSWORD_MIN, null],
    ['8 chars!', undefined, DEVICE_PASSWORD_MIN, null],
    ['seven!!', undefined, DEVICE_PASSWORD_MIN, 'too_short'],
    ['x'.repeat(129), undefined, DEVICE_PASSWORD_MIN, 'too_long'],
    ['tab\there-and-more', undefined, DEVICE_PASSWORD_MIN, 'control_chars'],
    ['long enough', 'long enougH', PANEL_PASSWORD_MIN, 'mismatch'],
    // Characters, not UTF-16 units: eight emoji are eight characters.
    ['🙂'.repeat(8), undefined, DEVICE_PASSWORD_MIN, null],
  ])('%j / %j (min %i) → %s', (pw, confirm, min, expected) => {
    expect(passwordProblem(pw, confirm, min)).toBe(expected);
  });
});
