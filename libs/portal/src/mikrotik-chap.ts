import { createHash } from 'node:crypto';

/**
 * RouterOS http-chap (hotspot manual, "login.html": the password posted to
 * $(link-login-only) is MD5(chap-id ‖ password ‖ chap-challenge) in hex, which the stock
 * page computes with md5.js). Pure, no I/O.
 */

/** `\371\015…` (RouterOS prints every byte as a three-digit octal escape) → bytes; null if malformed. */
export function octalBytes(value: string): Buffer | null {
  if (!/^(\\[0-7]{3})+$/.test(value)) return null;
  const bytes = value
    .slice(1)
    .split('\\')
    .map((o) => parseInt(o, 8));
  return bytes.every((b) => b <= 0xff) ? Buffer.from(bytes) : null;
}

/**
 * The hex password for http-chap. The password is UTF-8, as FreeRADIUS checks the
 * CHAP response against the stored cleartext; the stock md5.js would cut every
 * character to its low byte and fail for non-ASCII passwords.
 */
export function mikrotikChapPassword(chapId: string, password: string, chapChallenge: string): string | null {
  const id = octalBytes(chapId);
  const challenge = octalBytes(chapChallenge);
  if (!id || id.length !== 1 || !challenge) return null;
  return createHash('md5').update(id).update(Buffer.from(password, 'utf8')).update(challenge).digest('hex');
}
