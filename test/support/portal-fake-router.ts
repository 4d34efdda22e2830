import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * Fake hotspot gateways on loopback for the portal tests, one module per vendor,
 * each written from that router's own source or manual (named in each module):
 * portal-fake-uspot.ts, portal-fake-coova.ts, portal-fake-mikrotik.ts and
 * portal-fake-generic.ts (the seed's own POST /login contract). Whether a login
 * succeeds is decided by a pluggable `authenticate`, so a test can check fixed
 * users or send a real Access-Request through FreeRADIUS, as the router would.
 */

export type FakeVendor = 'generic' | 'uspot' | 'coova' | 'mikrotik';

export type AuthAttempt =
  | { kind: 'pap'; username: string; password: string }
  /**
   * What the router puts into RADIUS: CHAP-Password = ident ‖ response, and
   * CHAP-Challenge = chapChallenge (hex; for uspot/Coova already mixed with uam_secret).
   */
  | { kind: 'chap'; username: string; ident: number; chapResponse: string; chapChallenge: string };

export interface AuthContext {
  vendor: FakeVendor;
  nasid: string;
  mac: string;
  clientIp: string;
}

export type Authenticate = (attempt: AuthAttempt, ctx: AuthContext) => Promise<boolean>;

export interface FakeRouterBase {
  nasid: string;
  /** The portal URL the router sends clients to (uspot `uam_server`, Coova `uamserver`, MikroTik login.html target). */
  portalUrl: string;
  uamSecret?: string;
  /** The client's MAC as the router knows it (aa:bb:…); each vendor prints it its own way. */
  mac?: string;
  clientIp?: string;
  authenticate: Authenticate;
}

export interface FakeRouter {
  vendor: FakeVendor;
  /** The address clients reach the router's UAM/login server on (loopback in tests). */
  uamip: string;
  uamport: number;
  /** Where a captive client lands first: the router answers with its redirect to the portal. */
  entryUrl(userurl: string): string;
  /** `METHOD url` of every request the router received: what crossed the "WiFi". */
  requests: string[];
  attempts: AuthAttempt[];
  authenticate: Authenticate;
  close(): Promise<void>;
}

export const md5 = (...parts: (string | Buffer)[]): Buffer => parts.reduce((h, p) => h.update(p), createHash('md5')).digest();

/** Checks PAP and CHAP (RFC 1994: MD5(ident ‖ password ‖ challenge)) against fixed users. */
export function fixedUsers(users: Record<string, string>): Authenticate {
  return async (a) => {
    const password = users[a.username];
    if (password === undefined) return false;
    if (a.kind === 'pap') return a.password === password;
    const expected = md5(Buffer.from([a.ident]), Buffer.from(password, 'utf8'), Buffer.from(a.chapChallenge, 'hex')).toString('hex');
    return expected === a.chapResponse.toLowerCase();
  };
}

export async function readBody(req: IncomingMessage): Promise<string> {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return raw;
}

export function redirect(res: ServerResponse, location: string): void {
  // A raw header value may hold bytes a router writes unencoded (uspot's ssid): Node sends latin1.
  res.writeHead(302, { location: Buffer.from(location, 'utf8').toString('latin1'), 'cache-control': 'no-store' }).end();
}

export type Handler = (req: IncomingMessage, res: ServerResponse, url: string) => Promise<void>;

/** Listens on 127.0.0.1:<random>, records every request, and answers 500 on a handler crash. */
export async function listen(
  vendor: FakeVendor,
  opts: FakeRouterBase,
  handler: (router: FakeRouter) => Handler,
  entryPath: (userurl: string) => string,
): Promise<FakeRouter> {
  const router: FakeRouter = {
    vendor,
    uamip: '127.0.0.1',
    uamport: 0,
    requests: [],
    attempts: [],
    authenticate: opts.authenticate,
    entryUrl: (userurl) => `http://127.0.0.1:${router.uamport}${entryPath(userurl)}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const handle = handler(router);
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    router.requests.push(`${req.method} ${url}`);
    handle(req, res, url).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  router.uamport = (server.address() as AddressInfo).port;
  return router;
}

/** Records the attempt and asks `authenticate`, as the router asks its RADIUS server. */
export async function decide(router: FakeRouter, attempt: AuthAttempt, ctx: AuthContext): Promise<boolean> {
  router.attempts.push(attempt);
  return router.authenticate(attempt, ctx).catch(() => false);
}
