import { request as httpRequest } from 'node:http';

export interface PanelReply {
  status: number;
  html: string;
  location?: string;
  setCookies: string[];
  headers: Record<string, string | string[] | undefined>;
}

export interface PanelClientOptions {
  /** The TCP source address: 127.0.0.2 is the trusted proxy in the panel suites. */
  localAddress?: string;
  /** Sent on every request (X-Forwarded-For as a proxy adds it, Accept-Language…). */
  headers?: Record<string, string>;
}

/**
 * A browser without a browser: keeps the panel's cookies, sends forms the way a browser
 * does (urlencoded, with Origin), and can come from a chosen loopback address.
 */
export class PanelClient {
  readonly cookies = new Map<string, string>();
  headers: Record<string, string>;

  constructor(
    readonly base: string,
    private readonly opts: PanelClientOptions = {},
  ) {
    this.headers = { ...(opts.headers ?? {}) };
  }

  get(path: string, headers: Record<string, string> = {}): Promise<PanelReply> {
    return this.send('GET', path, undefined, headers);
  }

  /** A form POST from our own page (Origin = the panel's origin) unless `headers` says otherwise. */
  post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<PanelReply> {
    return this.send('POST', path, new URLSearchParams(form).toString(), {
      origin: this.base,
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    });
  }

  /** A POST with a body as given (repeated fields, broken encodings, JSON…). */
  postRaw(path: string, body: string, contentType = 'application/x-www-form-urlencoded'): Promise<PanelReply> {
    return this.send('POST', path, body, { origin: this.base, 'content-type': contentType });
  }

  /** GETs `page` and posts `form` with the csrf token that page carries. */
  async submit(page: string, action: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<PanelReply> {
    const shown = await this.get(page);
    return this.post(action, { csrf: csrfOf(shown.html), ...form }, headers);
  }

  async signIn(email: string, password: string): Promise<PanelReply> {
    return this.submit('/panel/sign-in', '/panel/sign-in', { email, password });
  }

  private send(method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<PanelReply> {
    const url = new URL(path, this.base);
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        url,
        {
          method,
          localAddress: this.opts.localAddress,
          headers: {
            ...this.headers,
            ...(cookie ? { cookie } : {}),
            ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
            ...headers,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (text += d));
          res.on('end', () => {
            const setCookies = (res.headers['set-cookie'] ?? []) as string[];
            for (const c of setCookies) {
              const [pair, ...attrs] = c.split(';');
              const i = pair.indexOf('=');
              const name = pair.slice(0, i).trim();
              if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name);
              else this.cookies.set(name, pair.slice(i + 1).trim());
            }
            resolve({ status: res.statusCode ?? 0, html: text, location: res.headers.location, setCookies, headers: res.headers });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}

export function csrfOf(html: string): string {
  const m = /name="csrf" value="([^"]*)"/.exec(html);
  if (!m) throw new Error(`no csrf field in:\n${html.slice(0, 2000)}`);
  return m[1];
}

/** The text of the page's alert, if any (role=alert or role=status). */
export function alertOf(html: string): string | undefined {
  return /role="(?:alert|status|note)">([^<]*)</.exec(html)?.[1];
}
