/**
 * What PostgreSQL `text` (and JSON in `jsonb`) cannot hold: U+0000, and UTF-16 halves
 * without their other half (node-postgres would silently turn those into U+FFFD).
 * Every string that reaches the database from outside is checked against this.
 */
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

/** The value with every unstorable character replaced by U+FFFD, for logs of hostile input. */
export function toStorableText(value: string): string {
  return isStorableText(value) ? value : value.replace(new RegExp(UNSTORABLE.source, 'g'), '\ufffd');
}

/** A value quoted for an error message: JSON-escaped (control characters visible), and cut short. */
export function quoted(value: string, max = 40): string {
  const cut = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(cut);
}
