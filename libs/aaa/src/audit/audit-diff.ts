/** What the audit log shows instead of a secret. */
export const REDACTED = '[redacted]';

/**
 * Field names whose values are secrets, wherever they appear (passwords, RADIUS and UAM
 * secrets, tokens and their hashes, voucher codes, keys). Matched anywhere in the name,
 * case-insensitively: `radiusSecret`, `passwordEnc`, `tokenHash`, `ntHash`, `codes`. It
 * redacts a little too much (a `countryCode`) rather than too little.
 */
const SECRET_NAME = /pass|secret|token|hash|code|credential|salt|cookie|signature|private|apikey|api_key/i;
/** `key`, `secretKey`, `apiKey`: case matters here, or `monkey` would be one. */
const KEY_NAME = /(^[Kk]ey|[a-z0-9]Key)$/;
/** Names that match the pattern above but hold no secret, and whose values an operator needs. */
const NOT_SECRET = new Set(['tokenId', 'tokenPrefix', 'tokenName', 'hasUamSecret']);
/** A personal operator token in any string, whatever the field is called (its 12-character prefix is no secret). */
const OPERATOR_TOKEN = /rbo_[A-Za-z0-9_-]{20,}/g;

export function isSecretField(name: string): boolean {
  return (SECRET_NAME.test(name) || KEY_NAME.test(name)) && !NOT_SECRET.has(name);
}

/** Fields every view has that a diff would only repeat. */
const NOISE = new Set(['id', 'createdAt', 'updatedAt']);

export type Changes = Record<string, { from: unknown; to: unknown }>;

/**
 * A JSON-safe copy of `value` with every secret replaced: by field name at any depth, and
 * any string holding an operator token or one of `known` (the API's own tokens).
 */
export function redact(value: unknown, known: readonly string[] = [], key?: string): unknown {
  if (value === null || value === undefined) return null;
  if (key !== undefined && isSecretField(key)) return REDACTED;
  return plain(
    value,
    (v, k) => redact(v, known, k),
    (s) => scrub(s, known),
  );
}

/** JSON-safe copy, children through `child`, strings through `text`. */
function plain(value: unknown, child: (v: unknown, k?: string) => unknown, text: (s: string) => string): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return text(value);
  if (Array.isArray(value)) return value.map((v) => child(v));
  if (typeof value === 'object') {
    if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, child(v, k)]));
  }
  return typeof value === 'number' || typeof value === 'boolean' ? value : String(value);
}

function comparable(value: unknown): unknown {
  const same = (s: string) => s;
  return plain(value, (v) => comparable(v), same);
}

/** Replaces operator tokens and the given secrets inside a free text (an error message, a path). */
export function scrub(text: string, known: readonly string[] = []): string {
  let out = text.replace(OPERATOR_TOKEN, REDACTED);
  for (const secret of known) if (secret.length >= 8) out = out.split(secret).join(REDACTED);
  return out;
}

/**
 * The fields that differ between two views of a record, each as `{from, to}` (null for a
 * record created or deleted), secrets redacted. `secrets` names secret fields that changed
 * but that no view shows (a new password): they appear as redacted on both sides.
 */
export function diffFields(
  before: object | null | undefined,
  after: object | null | undefined,
  secrets: readonly string[] = [],
  known: readonly string[] = [],
): Changes {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const changes: Changes = {};
  for (const k of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (NOISE.has(k)) continue;
    // Compared as they are (a secret that changed is a change), shown redacted.
    const same = JSON.stringify(comparable(b[k])) === JSON.stringify(comparable(a[k]));
    if (!same) changes[k] = { from: redact(b[k], known, k), to: redact(a[k], known, k) };
  }
  for (const k of secrets) changes[k] = { from: REDACTED, to: REDACTED };
  return changes;
}
