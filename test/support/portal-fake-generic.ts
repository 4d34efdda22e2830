import { decide, FakeRouter, FakeRouterBase, listen, readBody, redirect } from './portal-fake-router';

/**
 * The `generic` profile is the seed's own contract, not a particular router's: a gateway
 * configured to accept `POST http://uamip:uamport/login` with the form fields `username`,
 * `password` (plaintext) and `userurl`, which answers with a redirect to the portal carrying
 * `res=success|failed` (CoovaChilli's result names, README "Router setup: generic").
 * Real CoovaChilli does not do this (see portal-fake-coova.ts): use the `coova` profile there.
 */
export async function startFakeGeneric(opts: FakeRouterBase): Promise<FakeRouter> {
  const mac = opts.mac ?? 'aa:bb:cc:dd:ee:04';
  const clientIp = opts.clientIp ?? '10.4.0.23';
  let userurl = '';
  return listen(
    'generic',
    opts,
    (router) => {
      const url = (res: string) =>
        `${opts.portalUrl}?${new URLSearchParams({
          res,
          uamip: router.uamip,
          uamport: String(router.uamport),
          mac,
          ip: clientIp,
          nasid: opts.nasid,
          ...(userurl ? { userurl } : {}),
        })}`;
      return async (req, res, raw) => {
        const [path, query = ''] = raw.split(/\?(.*)/s);
        if (path === '/prelogin') {
          userurl = new URLSearchParams(query).get('userurl') ?? '';
          return redirect(res, url('notyet'));
        }
        if (path === '/login' && req.method === 'POST') {
          const body = new URLSearchParams(await readBody(req));
          userurl = body.get('userurl') || userurl;
          const ok = await decide(
            router,
            { kind: 'pap', username: body.get('username') ?? '', password: body.get('password') ?? '' },
            { vendor: 'generic', nasid: opts.nasid, mac, clientIp },
          );
          return redirect(res, url(ok ? 'success' : 'failed'));
        }
        if (path === '/logoff' || path === '/logout') return redirect(res, url('logoff'));
        res.writeHead(404).end('not found');
      };
    },
    (u) => `/prelogin?userurl=${encodeURIComponent(u)}`,
  );
}
