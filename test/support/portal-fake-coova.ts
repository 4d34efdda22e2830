import { randomBytes } from 'node:crypto';
import { decide, FakeRouter, FakeRouterBase, listen, md5, redirect } from './portal-fake-router';

/**
 * CoovaChilli as coova/coova-chilli e0c7d7a src/redir.c behaves with its defaults
 * (no `uamallowpost`, no `nochallenge`):
 * - redir_getreq(): only GET and HEAD are read; any other method (POST) makes it return -1
 *   and redir_main() closes the connection without an answer (redir_main_exit()), unless
 *   `uamallowpost` is set (redir_main(): httpreq.allow_post);
 * - a path of `logon` or `login` is REDIR_LOGIN; every parameter is read from the query
 *   string by redir_getparam() (a POST body is never looked at), which URL-decodes it;
 *   `userurl` is then decoded a second time by redir_urldecode();
 * - REDIR_LOGIN: `username` required; `response` (+ optional `ident`, default 0) is CHAP,
 *   `password` is PAP as hex of password XOR the challenge (plain only with nochallenge);
 * - redir_radius(): CHAP-Challenge = MD5(uamchal ‖ uamsecret) with a uamsecret, else uamchal;
 * - redir_reply() / bstring_buildurl(): 302 to uamserver?res=…&uamip&uamport&challenge&called
 *   [&uid][&timeleft]&mac&ip[&reply][&ssid][&nasid]…[&lang][&sessionid]…[&userurl]&md, each
 *   value through redir_urlencode() (lower-case %xx); res is notyet|success|failed&reason=reject|logoff;
 * - redir_md_param(): md = uppercase hex MD5(URL so far ‖ uamsecret), last;
 * - the challenge is 16 random bytes per session, printed as lower-case hex (redir_chartohex).
 */

export interface FakeCoovaOptions extends FakeRouterBase {
  ssid?: string;
  nasmac?: string;
}

/** redir.c redir_urlencode(): keeps A-Z a-z 0-9 - _ . ! ~ *, lower-case %xx for the rest. */
export function coovaUrlEncode(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.!~*]/.test(c) ? c : '%' + b.toString(16).padStart(2, '0');
  }
  return out;
}

/** redir.c redir_urldecode(). */
function coovaUrlDecode(s: string): string {
  return Buffer.from(
    s.replace(/%([0-9A-Fa-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  ).toString('utf8');
}

/** redir.c redir_getparam(): the value after `&name=` (or at the start) up to the next `&`, URL-decoded. */
function getparam(query: string, name: string): string | undefined {
  const q = `&${query}`;
  const at = q.indexOf(`&${name}=`);
  if (at < 0) return undefined;
  const rest = q.slice(at + name.length + 2);
  const end = rest.indexOf('&');
  return coovaUrlDecode(end < 0 ? rest : rest.slice(0, end));
}

export async function startFakeCoova(opts: FakeCoovaOptions): Promise<FakeRouter> {
  const mac = opts.mac ?? 'aa:bb:cc:dd:ee:02';
  const clientIp = opts.clientIp ?? '10.1.0.23';
  const session = { uamchal: randomBytes(16), sessionid: randomBytes(8).toString('hex'), userurl: '' };
  const hismac = mac.toUpperCase().replace(/:/g, '-');

  return listen(
    'coova',
    opts,
    (router) => {
      const buildUrl = (res: string, extra: { reply?: string } = {}) => {
        const amp = '&';
        let url = `${opts.portalUrl}${opts.portalUrl.includes('?') ? amp : '?'}res=${res}&uamip=${router.uamip}&uamport=${router.uamport}`;
        url += `&challenge=${session.uamchal.toString('hex')}`;
        url += `&called=${coovaUrlEncode(opts.nasmac ?? '00-11-22-33-44-55')}`;
        url += `&mac=${coovaUrlEncode(hismac)}&ip=${clientIp}`;
        if (extra.reply) url += `&reply=${coovaUrlEncode(extra.reply)}`;
        if (opts.ssid) url += `&ssid=${coovaUrlEncode(opts.ssid)}`;
        url += `&nasid=${coovaUrlEncode(opts.nasid)}`;
        url += `&sessionid=${coovaUrlEncode(session.sessionid)}`;
        if (session.userurl) url += `&userurl=${coovaUrlEncode(session.userurl)}`;
        if (opts.uamSecret) url += `&md=${md5(url, opts.uamSecret).toString('hex').toUpperCase()}`;
        return url;
      };
      return async (req, res, url) => {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          // redir_getreq(): "Unhandled http request" → -1, the socket is closed, nothing is answered.
          req.socket.destroy();
          return;
        }
        const [path, query = ''] = url.split(/\?(.*)/s);
        if (path === '/prelogin') {
          session.userurl = getparam(query, 'userurl') ?? session.userurl;
          return redirect(res, buildUrl('notyet'));
        }
        if (path === '/logon' || path === '/login') {
          const username = getparam(query, 'username');
          if (username === undefined) return void res.writeHead(400).end(); // REDIR_ERROR_PROTOCOL
          const userurl = getparam(query, 'userurl');
          if (userurl !== undefined) session.userurl = coovaUrlDecode(userurl);
          const chap = opts.uamSecret ? md5(session.uamchal, opts.uamSecret) : session.uamchal;
          const response = getparam(query, 'response');
          const password = getparam(query, 'password');
          if (response === undefined && password === undefined) return void res.writeHead(400).end();
          let ok: boolean;
          if (response !== undefined) {
            const ident = Number(getparam(query, 'ident') || 0);
            ok = await decide(
              router,
              { kind: 'chap', username, ident, chapResponse: response, chapChallenge: chap.toString('hex') },
              { vendor: 'coova', nasid: opts.nasid, mac, clientIp },
            );
          } else {
            // Without nochallenge the password arrives as hex of password XOR the challenge.
            const enc = Buffer.from(password!, 'hex');
            const plain = Buffer.from(enc.map((b, i) => b ^ chap[i % 16]));
            ok = await decide(
              router,
              { kind: 'pap', username, password: plain.toString('utf8').replace(/\0+$/, '') },
              { vendor: 'coova', nasid: opts.nasid, mac, clientIp },
            );
          }
          const location = buildUrl(ok ? 'success' : 'failed&reason=reject');
          // A new challenge for the next login, as a new session state would have.
          session.uamchal = randomBytes(16);
          return redirect(res, location);
        }
        if (path === '/logoff' || path === '/logout') return redirect(res, buildUrl('logoff'));
        res.writeHead(404).end('not found');
      };
    },
    (userurl) => `/prelogin?userurl=${coovaUrlEncode(userurl)}`,
  );
}
