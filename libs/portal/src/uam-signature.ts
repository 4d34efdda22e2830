import { createHash, timingSafeEqual } from 'node:crypto';

/** Pure UAM crypto (uspot `uam.c`, Coova `redir.c`). No I/O. */

const md5 = (...parts: (string | Buffer)[]): Buffer => {
  const h = createHash('md5');
  parts.forEach((p) => h.update(p));
  return h.digest();
};

/** uspot/Coova `md`: uppercase hex MD5(URL up to `&md=` ‖ uam_secret). */
export function computeMd(signedUrl: string, secret: string): string {
  return md5(signedUrl, secret).toString('hex').toUpperCase();
}

/**
 * Verifies `md` on a redirect. `base` is uspot's exact `uam_server` (or the URL
 * the request arrived on); `rawQuery` is the query exactly as received, because
 * re-encoding would change the bytes that were signed. `md` must be the last
 * parameter so nothing unsigned can ride along after it.
 */
export function verifyMd(base: string, rawQuery: string, secret: string): boolean {
  const at = rawQuery.indexOf('&md=');
  if (at < 0) return false;
  const given = rawQuery.slice(at + 4);
  if (!/^[0-9A-Fa-f]{32}$/.test(given)) return false;
  const expected = computeMd(`${base}?${rawQuery.slice(0, at)}`, secret);
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given.toUpperCase()));
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
