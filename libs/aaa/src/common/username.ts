/**
 * The one definition of a username. Every place that turns a name into an account
 * uses it: authorize, accounting (which account a session counts against, and so
 * quota, maxSessions and what a ban disconnects), the account lookup and both caches,
 * the admin API and the portal. The database holds the same rule: a CHECK constraint
 * on `accounts.username` and the unique index on `lower(username COLLATE "C")`
 * (migration 1764300000000), so plain SQL cannot create a name this function refuses.
 *
 * The rule: a username is 1-64 characters of A-Z a-z 0-9 . _ @ + -, and two names are
 * the same account when they differ only in the case of those ASCII letters. Nothing
 * is trimmed or normalised: a User-Name with anything else in it (whitespace, control
 * characters, invisible or non-ASCII characters such as U+00A0, U+2028, U+200B or the
 * KELVIN SIGN that Unicode case folding turns into "k") names no account at all, so it
 * is rejected at login and its accounting counts against nobody. Mapping such names to
 * an account instead would have to be repeated identically in every place above,
 * FreeRADIUS's own caches included; refusing them needs nothing repeated.
 *
 * Case folding is ASCII only, on purpose: it is what FreeRADIUS's `%{tolower:}` and
 * PostgreSQL's `lower(… COLLATE "C")` do, so the API, the database and FreeRADIUS's
 * caches agree on which names are one.
 */
export const USERNAME_RE = /^[A-Za-z0-9._@+-]{1,64}$/;

/** For messages: what a username may contain. */
export const USERNAME_RULE = '1-64 characters of A-Z a-z 0-9 . _ @ + -';

/** The account key of `name`: lower-cased, or null when `name` is not a username. */
export function canonicalUsername(name: unknown): string | null {
  if (typeof name !== 'string' || !USERNAME_RE.test(name)) return null;
  // Only ASCII is left at this point, so this folds exactly A-Z.
  return name.toLowerCase();
}
