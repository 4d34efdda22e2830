import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { decide, FakeRouter, FakeRouterBase, listen, md5, readBody } from './portal-fake-router';

/** The hotspot HTML files this project ships for RouterOS (README: "MikroTik"). */
export const HOTSPOT_DIR = join(__dirname, '..', '..', 'libs', 'portal', 'mikrotik-hotspot');
/** The placeholder an operator replaces with the portal's URL before uploading the files. */
export const PORTAL_PLACEHOLDER = 'https://portal.example.org/portal';

/**
 * A RouterOS hotspot servlet as the RouterOS manuals describe it ("HotSpot customisation" /
 * "Customizing HotSpot: HTTP Servlet Pages", v2.9 to v7), serving the shipped files from
 * `html-directory`:
 * - a request for any page while not logged in gets redirect.html with $(link-redirect)
 *   pointing at the login page ($(link-login) = $(link-login-only)?dst=…);
 * - /login without a username serves login.html; its variables are substituted as text,
 *   `$(name-esc)` URL-escaped ("123&456=1 2" → "123%26456%3D1+2");
 * - $(chap-id) and $(chap-challenge) are octal-escaped strings ("\371", "\357\015\330…"),
 *   new for every login page served;
 * - /login takes username, password and dst, by POST or, failing that, GET;
 * - login-by http-chap (default `cookie,http-chap`): password must be
 *   MD5(chap-id ‖ password ‖ chap-challenge) in hex, which the router passes to RADIUS as
 *   CHAP-Password (ident = chap-id) with CHAP-Challenge; plaintext only with http-pap;
 * - a failed login re-serves login.html with $(error) set (no redirect, no res=);
 * - success serves alogin.html ($(link-redirect) = dst); /logout serves logout.html,
 *   /status status.html.
 * $(hostname) (and every link) is the hotspot DNS name when one is set, else the IP.
 */
export interface FakeMikrotikOptions extends FakeRouterBase {
  loginBy?: ('http-chap' | 'http-pap')[];
  /** `/ip hotspot profile dns-name`; the browser must resolve it to 127.0.0.1. */
  dnsName?: string;
}

/** RouterOS `-esc` variables: form-style URL escaping. */
const esc = (v: string) => new URLSearchParams({ v }).toString().slice(2);
const octal = (b: Buffer) => [...b].map((x) => '\\' + x.toString(8).padStart(3, '0')).join('');

/** Substitutes `$(name)` and `$(name-esc)` the way the servlet does. */
export function renderHotspotPage(file: string, vars: Record<string, string>, portalUrl: string): string {
  const page = readFileSync(join(HOTSPOT_DIR, file), 'utf8').split(PORTAL_PLACEHOLDER).join(portalUrl);
  return page.replace(/\$\(([a-z-]+?)(-esc)?\)/g, (_, name: string, escaped?: string) => {
    const value = vars[name] ?? '';
    return escaped ? esc(value) : value;
  });
}

export async function startFakeMikrotik(opts: FakeMikrotikOptions): Promise<FakeRouter> {
  const mac = (opts.mac ?? 'aa:bb:cc:dd:ee:03').toUpperCase();
  const clientIp = opts.clientIp ?? '10.5.50.23';
  const loginBy = opts.loginBy ?? ['http-chap'];
  const state = { chapId: randomBytes(1), challenge: randomBytes(16), loggedIn: false, dst: '' };

  return listen(
    'mikrotik',
    opts,
    (router) => {
      const hostname = () => `${opts.dnsName ?? router.uamip}:${router.uamport}`;
      const vars = (extra: Record<string, string> = {}) => ({
        identity: opts.nasid,
        hostname: hostname(),
        'link-login-only': `http://${hostname()}/login`,
        'link-logout': `http://${hostname()}/logout`,
        'link-orig': state.dst,
        mac,
        ip: clientIp,
        ...extra,
      });
      const serve = (res: ServerResponse, file: string, extra: Record<string, string> = {}): void =>
        void res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
          .end(renderHotspotPage(file, vars(extra), opts.portalUrl));
      const loginPage = (res: ServerResponse, error = '') => {
        state.chapId = randomBytes(1);
        state.challenge = randomBytes(16);
        const chap = loginBy.includes('http-chap');
        serve(res, 'login.html', {
          error,
          'chap-id': chap ? octal(state.chapId) : '',
          'chap-challenge': chap ? octal(state.challenge) : '',
        });
      };

      return async (req, res, url) => {
        const [path, query = ''] = url.split(/\?(.*)/s);
        const params = new URLSearchParams(query);
        if (req.method === 'POST') for (const [k, v] of new URLSearchParams(await readBody(req))) params.set(k, v);
        if (path === '/intercept') {
          // Any page while not logged in: redirect.html towards $(link-login).
          state.dst = params.get('orig') ?? '';
          return serve(res, 'redirect.html', { 'link-redirect': `http://${hostname()}/login?dst=${esc(state.dst)}` });
        }
        if (path === '/login') {
          if (params.has('dst')) state.dst = params.get('dst')!;
          const username = params.get('username');
          if (!username) return loginPage(res);
          const password = params.get('password') ?? '';
          const ctx = { vendor: 'mikrotik' as const, nasid: opts.nasid, mac, clientIp };
          let ok = false;
          if (loginBy.includes('http-chap') && /^[0-9a-f]{32}$/i.test(password)) {
            ok = await decide(
              router,
              {
                kind: 'chap',
                username,
                ident: state.chapId[0],
                chapResponse: password.toLowerCase(),
                chapChallenge: state.challenge.toString('hex'),
              },
              ctx,
            );
          } else if (loginBy.includes('http-pap')) {
            ok = await decide(router, { kind: 'pap', username, password }, ctx);
          } else {
            router.attempts.push({ kind: 'pap', username, password });
          }
          if (!ok) return loginPage(res, 'invalid username or password');
          state.loggedIn = true;
          return serve(res, 'alogin.html', { 'link-redirect': state.dst || `http://${hostname()}/status` });
        }
        if (path === '/logout') {
          state.loggedIn = false;
          return serve(res, 'logout.html');
        }
        if (path === '/status') return state.loggedIn ? serve(res, 'status.html') : loginPage(res);
        res.writeHead(404).end('not found');
      };
    },
    (userurl) => `/intercept?orig=${encodeURIComponent(userurl)}`,
  );
}

/** The hex password a stock login.html (md5.js hexMD5) computes for http-chap. */
export function mikrotikChapPassword(chapId: Buffer, password: string, challenge: Buffer): string {
  return md5(chapId, Buffer.from(password, 'utf8'), challenge).toString('hex');
}
