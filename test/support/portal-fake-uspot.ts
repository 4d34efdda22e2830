import { randomBytes } from 'node:crypto';
import { decide, FakeRouter, FakeRouterBase, listen, md5, redirect } from './portal-fake-router';

/**
 * uspot as f00b4r0/uspot 094f0df (2024-03-25) behaves, file by file:
 * - handler-cpd.uc: a captive HTTP request is sent to /hotspot/?redir=<lucihttp-encoded URL>;
 * - handler.uc request_start() (auth_mode uam): 302 to portal.uc uam_url(ctx, 'notyet');
 * - portal.uc uam_url(): fixed order res, uamip, uamport, challenge, mac, ip, called, nasid,
 *   sessionid, [ssid], [timeleft], [ssl], [userurl], [reply], [lang], [md]. `mac`, `called`,
 *   `nasid` and `ssid` are concatenated as they are, NOT encoded; ssl/userurl/reply/lang go
 *   through lucihttp urlencode(…, ENCODE_FULL); `md` is uam.md5(URL so far, uam_secret);
 * - portal.uc handle_request(): the query is split on `&` and `=`, only %XX is decoded (`+` stays);
 * - handler-uam.uc auth_client(): /logon reads username and response|password from the query
 *   string only; CHAP challenge = uam.md5(challenge, mac), mixed with uam_secret by
 *   uam.chap_challenge(); 302 to uam_url('success'|'reject') with final_redirect_url 'uam';
 *   deauth_client(): /logoff|/logout → uam_url('logoff');
 * - src/uam.c uc_md5(): uppercase hex MD5(str ‖ secret), `false` when either is unset;
 * - src/radius-client.c cb_chap_passwd(): CHAP ident 0.
 */

export interface FakeUspotOptions extends FakeRouterBase {
  /** uspot `challenge` option (unset → the URL carries challenge=false, as uc_md5 returns false). */
  challenge?: string;
  /** uspot 2024 TIP mode appends the SSID, unencoded. */
  ssid?: string;
  /** `nasmac`, printed as `called=`. */
  nasmac?: string;
}

/** src/uam.c uc_md5(): uppercase hex MD5(str ‖ secret), or the string "false" when either is unset. */
export function uamMd5(str: string | undefined, secret: string | undefined): string {
  if (str === undefined || secret === undefined) return 'false';
  return md5(Buffer.from(str, 'utf8'), Buffer.from(secret, 'utf8')).toString('hex').toUpperCase();
}

/** jow-/lucihttp lib/utils.c lh_urlencode(…, LH_URLENCODE_FULL): keeps A-Z a-z 0-9 ! ' ( ) * - . _ ~, %XX the rest. */
export function lucihttpEncode(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9!'()*\-._~]/.test(c) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** portal.uc handle_request(): split on & and the first =, decode %XX only. */
export function uspotParseQuery(url: string): Record<string, string> {
  const out: Record<string, string> = {};
  const q = url.split(/\?(.*)/s)[1] ?? '';
  for (const chunk of q.split('&')) {
    const m = /^([^=]+)=(.*)$/s.exec(chunk);
    if (!m) continue;
    const bytes = Buffer.from(
      m[2].replace(/%([0-9A-Fa-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16) || 0x20)),
      'latin1',
    );
    out[m[1]] = bytes.toString('utf8');
  }
  return out;
}

export interface UamUrlInput {
  uamServer: string;
  res: string;
  uamip: string;
  uamport: number | string;
  challenge?: string;
  mac: string;
  ip: string;
  nasmac: string;
  nasid: string;
  sessionid: string;
  ssid?: string;
  timeleft?: number;
  redir?: string;
  reply?: string;
  lang?: string;
  uamSecret?: string;
}

/** portal.uc uam_url(), byte for byte (before a browser touches it). */
export function uspotUamUrl(i: UamUrlInput): string {
  let url =
    `${i.uamServer}?res=${i.res}&uamip=${i.uamip}&uamport=${i.uamport}&challenge=${uamMd5(i.challenge, i.mac)}` +
    `&mac=${i.mac}&ip=${i.ip}&called=${i.nasmac}&nasid=${i.nasid}&sessionid=${i.sessionid}`;
  if (i.ssid) url += `&ssid=${i.ssid}`;
  if (i.timeleft) url += `&timeleft=${i.timeleft}`;
  if (i.redir) url += `&userurl=${lucihttpEncode(i.redir)}`;
  if (i.reply) url += `&reply=${lucihttpEncode(i.reply)}`;
  if (i.lang) url += `&lang=${lucihttpEncode(i.lang)}`;
  if (i.uamSecret) url += `&md=${uamMd5(url, i.uamSecret)}`;
  return url;
}

export async function startFakeUspot(opts: FakeUspotOptions): Promise<FakeRouter> {
  const mac = opts.mac ?? 'aa:bb:cc:dd:ee:01';
  const clientIp = opts.clientIp ?? '10.0.0.23';
  const state = { authenticated: false, sessionid: '' };
  // uspotlib.uc generate_sessionid(): 16 hex, a new one per request until the client is enabled.
  const sessionid = () => (state.authenticated ? state.sessionid : randomBytes(8).toString('hex'));

  return listen(
    'uspot',
    opts,
    (router) => {
      const uamUrl = (res: string, q: Record<string, string>) =>
        uspotUamUrl({
          uamServer: opts.portalUrl,
          res,
          uamip: router.uamip,
          uamport: router.uamport,
          challenge: opts.challenge,
          mac,
          ip: clientIp,
          nasmac: opts.nasmac ?? '00:11:22:33:44:55',
          nasid: opts.nasid,
          sessionid: sessionid(),
          ssid: opts.ssid,
          redir: q.redir,
          lang: q.lang,
          uamSecret: opts.uamSecret,
        });
      return async (req, res, url) => {
        const path = url.split('?')[0];
        const q = uspotParseQuery(url);
        if (path === '/hotspot' || path === '/hotspot/') return redirect(res, uamUrl('notyet', q));
        if (path === '/logon') {
          if (!q.username) return void res.writeHead(200, { 'content-type': 'text/html' }).end('<p>error</p>'); // templates/error.ut
          const chal0 = Buffer.from(uamMd5(opts.challenge, mac), 'hex');
          const chal = opts.uamSecret ? md5(chal0, opts.uamSecret) : chal0;
          const ok = await decide(
            router,
            q.response
              ? { kind: 'chap', username: q.username, ident: 0, chapResponse: q.response, chapChallenge: chal.toString('hex') }
              : { kind: 'pap', username: q.username, password: q.password ?? '' },
            { vendor: 'uspot', nasid: opts.nasid, mac, clientIp },
          );
          if (ok) Object.assign(state, { authenticated: true, sessionid: randomBytes(8).toString('hex') });
          return redirect(res, uamUrl(ok ? 'success' : 'reject', q));
        }
        if (path === '/logoff' || path === '/logout') {
          const location = uamUrl('logoff', q);
          state.authenticated = false;
          return redirect(res, location);
        }
        res.writeHead(404).end('not found');
      };
    },
    (userurl) => `/hotspot/?redir=${lucihttpEncode(userurl)}`,
  );
}
