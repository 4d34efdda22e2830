/**
 * The email a customer signs in with, as stored and compared: trimmed and lower-cased,
 * printable ASCII only (so JavaScript and PostgreSQL lower-case it identically and
 * look-alike Unicode cannot create a second login that reads the same). Null when it is
 * not an address.
 */
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function panelEmail(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const email = raw.trim();
  return email.length <= 254 && EMAIL.test(email) ? email.toLowerCase() : null;
}
