import { createHash, timingSafeEqual } from 'node:crypto';

/** Pure UAM crypto (uspot `uam.c`, Coova `redir.c`). No I/O. */

const md5 = (...parts: (string | Buffer)[]): Buffer => {
  const h = createHash('md5');
  parts.forEach((p) => h.update(p));
  return h.digest();
};

/** uspot/Coova `md`: uppercase hex MD5(URL up to `&md=` ‖ uam_secret). */
export function computeMd(signedUrl: string | Buffer, secret: string): string {
  return md5(signedUrl, secret).toString('hex').toUpperCase();
}

/** Parameters uspot's portal.uc uam_url() passes through lucihttp urlencode(ENCODE_FULL); it writes the rest raw. */
const ENCODED_BY_USPOT = new Set(['ssl', 'userurl', 'reply', 'lang']);

/**
 * Bytes a browser percent-encodes when it follows a Location header (WHATWG URL, the
 * "special-query percent-encode set": C0 controls, space, `"`, `<`, `>`, `'` and
 * everything above `~`). `#` is left out: a raw `#` ends the query and never arrives.
 */
function reencodedByBrowsers(byte: number): boolean {
  return byte <= 0x20 || byte === 0x22 || byte === 0x27 || byte === 0x3c || byte === 0x3e || byte >= 0x7f;
}

/** Decodes only the %XX a browser would have produced from a raw byte that `keep` accepts. */
function undo(value: string, keep: (byte: number) => boolean): string {
  return value.replace(/%([0-9A-Fa-f]{2})/g, (m, hex: string) => {
    const byte = parseInt(hex, 16);
    return keep(byte) ? String.fromCharCode(byte) : m;
  });
}

/**
 * The query strings a router can have signed, given the one that arrived (latin1: one
 * char per byte). First the raw query: Coova and most uspot links arrive unchanged.
 * Then the raw query with the browser's re-encodings put back: uspot writes `mac`,
 * `called`, `nasid` and `ssid` unencoded (a space in "Cafe WiFi" reaches us as %20), and
 * lucihttp leaves `'` in `userurl` raw (it reaches us as %27). In the parameters uspot
 * encodes itself only %27 can be the browser's; anywhere else a %XX of a byte browsers
 * re-encode may be. A value with `&` inside (a raw SSID "A&B") stays one value: a chunk
 * that does not look like `name=` continues the previous parameter.
 */
export function signedQueryCandidates(rawQuery: string): string[] {
  let encoded = false;
  const restored = rawQuery
    .split('&')
    .map((chunk) => {
      const name = /^([a-z]+)=/.exec(chunk)?.[1];
      if (name !== undefined) encoded = ENCODED_BY_USPOT.has(name);
      return encoded ? undo(chunk, (b) => b === 0x27) : undo(chunk, reencodedByBrowsers);
    })
    .join('&');
  return restored === rawQuery ? [rawQuery] : [rawQuery, restored];
}

/**
 * Verifies `md` on a redirect. `base` is the router's exact `uam_server` (or the portal URL
 * the request came in on, see @app/aaa request-view.ts); `rawQuery` is the query exactly as
 * received. `md` must be the last parameter so nothing unsigned can ride along after it.
 */
export function verifyMd(base: string, rawQuery: string, secret: string): boolean {
  const at = rawQuery.lastIndexOf('&md=');
  if (at < 0) return false;
  const given = rawQuery.slice(at + 4);
  if (!/^[0-9A-Fa-f]{32}$/.test(given)) return false;
  const want = Buffer.from(given.toUpperCase());
  return signedQueryCandidates(rawQuery.slice(0, at)).some((query) => {
    const signed = Buffer.concat([Buffer.from(`${base}?`, 'utf8'), Buffer.from(query, 'latin1')]);
    return timingSafeEqual(Buffer.from(computeMd(signed, secret)), want);
  });
}

/** The CHAP challenge the router sends to RADIUS: with a uam_secret, MD5(challenge bytes ‖ secret). */
export function chapChallenge(challengeHex: string, secret?: string | null): Buffer {
  const bytes = Buffer.from(challengeHex, 'hex');
  return secret ? md5(bytes, secret) : bytes;
}

/** uspot/Coova `/logon?response=`: hex(MD5(ident 0x00 ‖ password ‖ chap challenge)). */
export function chapResponse(password: string, challengeHex: string, secret?: string | null): string {
  return md5(Buffer.from([0]), Buffer.from(password, 'utf8'), chapChallenge(challengeHex, secret)).toString('hex');
}
