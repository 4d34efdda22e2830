/**
 * rlm_rest's JSON in both directions.
 *
 * Requests arrive either as rlm_rest's `body = json` shape,
 *   {"User-Name":{"type":"string","value":["alice"]}, ...}
 * or as a flat object from a `data` template, {"User-Name":"alice"}.
 * Responses use `list:Attribute` keys; strings carry `do_xlat: false` so a `%`
 * in a password or message is never expanded by FreeRADIUS.
 */
export type AttrMap = Map<string, string[]>;

export class MalformedBodyError extends Error {}

/**
 * FreeRADIUS 3.2.1 escapes every byte >= 0x80 of a UTF-8 string as its own \u00XX
 * (both `body = json` and %{jsonquote:}), so JSON.parse yields Latin-1 mojibake.
 * Re-assembling the bytes restores the text; real code points > 0xFF never occur.
 */
export function fromRadiusText(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\u0080-\u00ff]/.test(s) || /[^\u0000-\u00ff]/.test(s)) return s;
  const decoded = Buffer.from(s, 'latin1').toString('utf8');
  return decoded.includes('\ufffd') ? s : decoded;
}

/** Empty strings and nulls mean "attribute absent" in the flat templates. */
function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : fromRadiusText(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function parseAttributes(body: unknown): AttrMap {
  if (body === null || body === undefined || body === '') return new Map();
  if (typeof body !== 'object' || Array.isArray(body)) throw new MalformedBodyError('body must be a JSON object');
  const out: AttrMap = new Map();
  for (const [name, raw] of Object.entries(body as Record<string, unknown>)) {
    const inner = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as { value?: unknown }).value : raw;
    const list = Array.isArray(inner) ? inner : [inner];
    const values = list.map(scalar).filter((v): v is string => v !== undefined);
    if (values.length) out.set(name, values);
  }
  return out;
}

export function first(attrs: AttrMap, name: string): string | undefined {
  return attrs.get(name)?.[0];
}

export function firstInt(attrs: AttrMap, name: string): number | undefined {
  const v = first(attrs, name);
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

export type ReplyValue = string | number | string[];
export type RestResponse = Record<string, unknown>;

/** Encodes `{ 'reply:Attr': value }` pairs, escaping-proof for FreeRADIUS. */
export function encodeAttributes(pairs: Record<string, ReplyValue | undefined | null>): RestResponse {
  const out: RestResponse = {};
  for (const [key, value] of Object.entries(pairs)) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'number') out[key] = value;
    else if (Array.isArray(value)) out[key] = { op: '+=', value, do_xlat: false };
    else out[key] = { value, do_xlat: false };
  }
  return out;
}
