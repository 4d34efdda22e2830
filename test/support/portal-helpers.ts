import { createHash } from 'node:crypto';

/** Small helpers shared by the portal HTTP and browser tests. */

export function unescapeHtml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&amp;/g, '&');
}

/** The hidden inputs of the rendered login form, unescaped. */
export function hiddenFields(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\s*\/?>/g)) out[m[1]] = unescapeHtml(m[2]);
  return out;
}

export function formAction(html: string): string | undefined {
  const m = /<form method="post" action="([^"]*)">/.exec(html);
  return m ? unescapeHtml(m[1]) : undefined;
}

/** Query string in uspot's fixed order, values encodeURIComponent'ed, with `md` appended the uspot way when a secret is given. */
export function uspotQuery(params: Record<string, string | undefined>, sign?: { base: string; secret: string }): string {
  const q = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v!)}`)
    .join('&');
  if (!sign) return q;
  const md = createHash('md5').update(`${sign.base}?${q}`).update(sign.secret).digest('hex').toUpperCase();
  return `${q}&md=${md}`;
}

/** `Set-Cookie` headers of a response as the `Cookie` header a browser would send back. */
export function cookieHeader(setCookie: string[] | string | undefined): string | undefined {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const pairs = list.map((c) => c.split(';')[0]).filter(Boolean);
  return pairs.length ? pairs.join('; ') : undefined;
}
