/**
 * What the panel accepts as a new password: for the customer's own sign-in (also when an
 * admin sets it) and for a device. Printable text without control characters, so it
 * survives every RADIUS method; long enough to resist guessing (NIST SP 800-63B: length
 * over composition rules).
 */
export const PANEL_PASSWORD_MIN = 10;
export const DEVICE_PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export type PasswordProblem = 'missing' | 'too_short' | 'too_long' | 'control_chars' | 'mismatch';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function passwordProblem(password: string | undefined, confirm: string | undefined, min: number): PasswordProblem | null {
  if (!password) return 'missing';
  if (CONTROL.test(password)) return 'control_chars';
  if ([...password].length < min) return 'too_short';
  if ([...password].length > PASSWORD_MAX) return 'too_long';
  if (confirm !== undefined && confirm !== password) return 'mismatch';
  return null;
}
