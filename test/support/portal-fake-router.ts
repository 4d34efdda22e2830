import { createHash, randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A fake hotspot gateway on 127.0.0.1 speaking just enough UAM for browser tests:
 * uspot (`GET /logon`, redirects in uspot's exact order with `md`), the generic/seed
 * flow (`POST /login`) and MikroTik (`POST /login` with `dst`). Whether a login
 * succeeds is decided by a pluggable `authenticate`, so a test can check a fixed
 * user or forward to FreeRADIUS as a real NAS would.
 */

export type FakeVendor = 'generic' | 'uspot' | 'mikrotik';

export type AuthAttempt =
  | { kind: 'pap'; username: string; password: string }
  /** chapChallenge: hex of the 16 bytes a real NAS sends as CHAP-Challenge (already mixed with uam_secret). */
  | { kind: 'chap'; username: string; chapResponse: string; chapChallenge: string };

export interface AuthContext {
  vendor: FakeVendor;
  nasid: string;
  mac: string;
  clientIp: string;
}

export type Authenticate = (attempt: AuthAttempt, ctx: AuthContext) => Promise<boolean>;

export interface FakeRouterOptions {
  vendor: FakeVendor;
  nasid: string;
  /** uspot's `uam_server`: the portal URL the redirects (and `md`) are built on. */
  portalUrl: string;
  uamSecret?: string;
  /** uspot `challenge` option; the per-client challenge is MD5HEX(seed ‖ mac). */
  challengeSeed?: string;
  mac?: string;
  clientIp?: string;
  nasmac?: string;
  authenticate: Authenticate;
}

export interface FakeRouter {
  uamip: string;
  uamport: number;
  /** Where a captive client lands first (uspot's /hotspot?redir=…): 302 to the portal. */
  entryUrl(userurl: string): string;
  /** Raw request URLs the router received, to assert what crossed the "WiFi". */
  requests: string[];
  attempts: AuthAttempt[];
  authenticate: Authenticate;
  close(): Promise<void>;
}

const md5 = (...parts: (string | Buffer)[]) => parts.reduce((h, p) => h.update(p), createHash('md5')).digest();

/** uspot's query parser: splits on & and =, decodes %XX only (a `+` stays a `+`). */
function uspotQuery(url: string): Record<string, string> {
  const out: Record<string, string> = {};
  const q = url.split('?')[1] ?? '';
  for (const pair of q.split('&')) {
    if (!pair) continue;
    const [k, v = ''] = pair.split(/=(.*)/s);
    out[decodeURIComponent(k)] = decodeURIComponent(v);
  }
  return out;
}

async function formBody(req: IncomingMessage): Promise<Record<string, string>> {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return Object.fromEntries(new URLSearchParams(raw));
}

/** Checks PAP and CHAP (RFC 1994 as uspot/Coova use it) against fixed users. */
export function fixedUsers(users: Record<string, string>): Authenticate {
  return async (a) => {
    const password = users[a.username];
    if (password === undefined) return false;
    if (a.kind === 'pap') return a.password === password;
    const expected = md5(Buffer.from([0]), Buffer.from(password, 'utf8'), Buffer.from(a.chapChallenge, 'hex')).toString('hex');
    return expected === a.chapResponse.toLowerCase();
  };
}

export async function startFakeRouter(opts: FakeRouterOptions): Promise<FakeRouter> {
  const mac = opts.mac ?? 'aa:bb:cc:dd:ee:01';
  const clientIp = opts.clientIp ?? '10.0.0.23';
  const state = { userurl: 'http://www.google.com', sessionid: randomBytes(8).toString('hex') };
  const challenge = md5(opts.challengeSeed ?? 'seed', mac)
    .toString('hex')
    .toUpperCase();
  let port = 0;

  // portal.uc uam_url(): fixed order, values URL-encoded, md last over everything before it.
  const uamUrl = (res: string, userurl?: string) => {
    const params: [string, string | undefined][] = [
      ['res', res],
      ['uamip', '127.0.0.1'],
      ['uamport', String(port)],
      ['challenge', opts.vendor === 'mikrotik' ? undefined : challenge],
      ['mac', mac],
      ['ip', clientIp],
      ['called', opts.nasmac ?? '00:11:22:33:44:55'],
      ['nasid', opts.nasid],
      ['sessionid', state.sessionid],
      ['userurl', userurl],
    ];
    const url = `${opts.portalUrl}?${params
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${encodeURIComponent(v!)}`)
      .join('&')}`;
    return opts.uamSecret ? `${url}&md=${md5(url, opts.uamSecret).toString('hex').toUpperCase()}` : url;
  };

  const router: FakeRouter = {
    uamip: '127.0.0.1',
    uamport: 0,
    requests: [],
    attempts: [],
    authenticate: opts.authenticate,
    entryUrl: (userurl) => `http://127.0.0.1:${port}/hotspot?redir=${encodeURIComponent(userurl)}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const redirect = (res: ServerResponse, location: string) => res.writeHead(302, { location, 'cache-control': 'no-store' }).end();
  const ctx: AuthContext = { vendor: opts.vendor, nasid: opts.nasid, mac, clientIp };
  const decide = async (attempt: AuthAttempt) => {
    router.attempts.push(attempt);
    return router.authenticate(attempt, ctx).catch(() => false);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    router.requests.push(`${req.method} ${url}`);
    const path = url.split('?')[0];
    if (path === '/hotspot') {
      state.userurl = uspotQuery(url).redir || state.userurl;
      return redirect(res, uamUrl('notyet', state.userurl));
    }
    if (opts.vendor === 'uspot' && path === '/logon' && req.method === 'GET') {
      // handler-uam.uc: only the query string counts; CHAP if `response` is set.
      const q = uspotQuery(url);
      if (!q.username) return res.writeHead(500).end('username required');
      const chal = opts.uamSecret ? md5(Buffer.from(challenge, 'hex'), opts.uamSecret) : Buffer.from(challenge, 'hex');
      const ok = await decide(
        q.response !== undefined
          ? { kind: 'chap', username: q.username, chapResponse: q.response, chapChallenge: chal.toString('hex') }
          : { kind: 'pap', username: q.username, password: q.password ?? '' },
      );
      if (ok) state.sessionid = randomBytes(8).toString('hex');
      return redirect(res, uamUrl(ok ? 'success' : 'reject', q.redir || undefined));
    }
    if (opts.vendor !== 'uspot' && path === '/login' && req.method === 'POST') {
      const body = await formBody(req);
      const ok = await decide({ kind: 'pap', username: body.username ?? '', password: body.password ?? '' });
      return redirect(res, uamUrl(ok ? 'success' : 'reject', (opts.vendor === 'mikrotik' ? body.dst : body.userurl) || state.userurl));
    }
    if (path === '/logoff' || path === '/logout') return redirect(res, uamUrl('logoff', state.userurl));
    res.writeHead(404).end('not found');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  router.uamport = port;
  return router;
}
