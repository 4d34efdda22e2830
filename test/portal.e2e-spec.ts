import request from 'supertest';
import { createHash } from 'node:crypto';
import { AuthEventsService } from '@app/aaa';
import { LoginRateLimiter } from '@app/portal';
import { formAction, hiddenFields, uspotQuery } from './support/portal-helpers';
import { startTestApp, TestApp } from './support/test-app';

const CHAP_SECRET = 'uam-secret-123';
const UAM_SERVER = 'https://portal.example.org/portal/';
const CHALLENGE = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const XSS = '<script>alert(1)</script>';
/** Where the test routers' UAM servers answer (issue 11 §5: links pointing elsewhere are refused). */
const UAM_ADDRESSES = ['10.0.0.1', '192.168.56.10', '10.5.50.1'];

describe('captive portal over HTTP (real app, real PostgreSQL)', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  const get = (query: string, headers: Record<string, string> = {}) => request(t.url).get(`/portal?${query}`).set(headers);
  /** A browser: keeps the portal's cookies and posts the form from the portal's own origin. */
  const browser = () => {
    const agent = request.agent(t.url);
    return {
      get: (query: string) => agent.get(`/portal?${query}`),
      post: (body: Record<string, string>) => agent.post('/portal/login').type('form').set('origin', t.url).send(body),
    };
  };

  let nasIps = 0;
  const router = async (body: Record<string, unknown>) => {
    const res = await t
      .admin()
      .post('/api/routers')
      .send({ name: String(body.nasIdentifier), nasIp: `203.0.113.${++nasIps}`, uamAddresses: UAM_ADDRESSES, ...body })
      .expect(201);
    ids[String(body.nasIdentifier)] = res.body.id;
  };

  beforeAll(async () => {
    t = await startTestApp();
    await router({ nasIdentifier: 'gen-1', vendor: 'generic', venueName: 'Cafe Generic' });
    await router({ nasIdentifier: 'gen-port', vendor: 'generic', uamPort: 4000, loginPath: '/logon' });
    await router({ nasIdentifier: 'mt-1', vendor: 'mikrotik' });
    await router({ nasIdentifier: 'uspot-open', vendor: 'uspot', termsText: `Be nice. ${XSS}`, venueName: `Venue ${XSS}` });
    await router({ nasIdentifier: 'uspot-chap', vendor: 'uspot', uamSecret: CHAP_SECRET, uamServer: UAM_SERVER });
    await router({ nasIdentifier: 'uspot-self', vendor: 'uspot', uamSecret: CHAP_SECRET });
  });
  afterAll(() => t.close());
  beforeEach(() => t.app.get(LoginRateLimiter).reset());

  const expectPortalHeaders = (res: request.Response) => {
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self' https:; form-action http: https:; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
  };

  describe('validation', () => {
    it('explains a missing uamip as an invalid access method (400, HTML, headers)', async () => {
      const res = await request(t.url).get('/portal').expect(400);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.text).toContain('Invalid access method');
      expect(res.text).toContain('hotspot WiFi');
      expect(res.text).not.toContain('<form');
      expectPortalHeaders(res);
    });

    it.each([
      'uamip=router.lan',
      'uamip=8.8.8.8',
      'uamip=127.0.0.1',
      'uamip=10.0.0.1&uamport=0',
      'uamip=10.0.0.1&uamport=70000',
      'uamip=10.0.0.1&uamport=abc',
    ])('refuses %s with a clear 400 page, never a form', async (q) => {
      const res = await get(q).expect(400);
      expect(res.text).toContain('Invalid login link');
      expect(res.text).not.toContain('<form');
    });

    it('falls back to http://www.google.com for a bad userurl', async () => {
      for (const userurl of ['javascript:alert(1)', '//evil.example', 'http://x/' + 'a'.repeat(2001)]) {
        const res = await get(uspotQuery({ uamip: '10.0.0.1', nasid: 'gen-1', userurl })).expect(200);
        expect(hiddenFields(res.text).userurl).toBe('http://www.google.com');
      }
    });
  });

  describe('vendor profiles', () => {
    it('generic (the seed): POST to http://uamip:uamport/login with hidden fields', async () => {
      const res = await get('nasid=gen-1&uamip=192.168.56.10&uamport=80&userurl=http%3A%2F%2Fexample.org%2F').expect(200);
      expectPortalHeaders(res);
      expect(formAction(res.text)).toBe('http://192.168.56.10:80/login');
      expect(hiddenFields(res.text)).toEqual({ uamip: '192.168.56.10', uamport: '80', userurl: 'http://example.org/', nasid: 'gen-1' });
      expect(res.text).toContain('<title>Cafe Generic</title>');
      expect(res.text).toMatch(/<input\s+type="text"\s+id="username"\s+name="username"/);
      expect(res.text).toMatch(/<input\s+type="password"\s+id="password"\s+name="password"/);
      expect(res.text).not.toContain('name="terms"');
    });

    it('unknown or missing nasid is refused; PORTAL_DEFAULT_NASID names the router for them, still bound to its address', async () => {
      for (const q of ['uamip=10.0.0.1&nasid=nobody', 'uamip=10.0.0.1']) {
        expect((await get(q).expect(400)).text).toContain('Invalid access method');
      }
      const d = await startTestApp({ PORTAL_DEFAULT_NASID: 'default-gw' });
      try {
        await d
          .admin()
          .post('/api/routers')
          .send({ name: 'd', vendor: 'generic', nasIdentifier: 'default-gw', nasIp: '203.0.113.200', uamAddresses: ['10.0.0.1'] })
          .expect(201);
        for (const q of ['uamip=10.0.0.1&nasid=nobody', 'uamip=10.0.0.1']) {
          expect(formAction((await request(d.url).get(`/portal?${q}`).expect(200)).text)).toBe('http://10.0.0.1:80/login');
        }
        await request(d.url).get('/portal?uamip=10.66.6.6').expect(400);
      } finally {
        await d.close();
      }
    });

    it('router.uamPort and loginPath override the URL', async () => {
      expect(formAction((await get('nasid=gen-port&uamip=10.0.0.1&uamport=80').expect(200)).text)).toBe('http://10.0.0.1:4000/logon');
    });

    it('mikrotik: POST to http://uamip/login with dst', async () => {
      const res = await get('nasid=mt-1&uamip=10.5.50.1&userurl=http%3A%2F%2Fexample.org%2F').expect(200);
      expect(formAction(res.text)).toBe('http://10.5.50.1/login');
      expect(hiddenFields(res.text)).toMatchObject({ dst: 'http://example.org/', uamip: '10.5.50.1' });
      expect(formAction((await get('nasid=mt-1&uamip=10.5.50.1&uamport=8080').expect(200)).text)).toBe('http://10.5.50.1:8080/login');
    });

    it('uspot without uam_secret: form posts to the portal, which 303s to /logon with the password, %20-encoded', async () => {
      const b = browser();
      const page = await b.get('nasid=uspot-open&uamip=10.0.0.1&userurl=http%3A%2F%2Fexample.org%2F').expect(200);
      expect(formAction(page.text)).toBe('/portal/login');
      const hidden = hiddenFields(page.text);
      expect(hidden).toMatchObject({ uamip: '10.0.0.1', uamport: '3990', nasid: 'uspot-open', lang: 'en' });
      expect(hidden.csrf).toMatch(/^\d+\./);
      expect(page.text).toContain('name="terms"');
      // The username goes out in its canonical form (what the API matches): trimmed of the form's spaces, lower case.
      const res = await b.post({ ...hidden, username: ' Guest.User ', password: 'p+w d&x', terms: '1' }).expect(303);
      expectPortalHeaders(res);
      expect(res.headers.location).toBe(
        'http://10.0.0.1:3990/logon?username=guest.user&password=p%2Bw%20d%26x&lang=en&redir=http%3A%2F%2Fexample.org%2F',
      );
    });

    it('uspot without uam_secret but with a challenge: CHAP over the bare challenge, no password in the URL', async () => {
      const b = browser();
      const hidden = hiddenFields((await b.get(`nasid=uspot-open&uamip=10.0.0.1&challenge=${CHALLENGE}`).expect(200)).text);
      const res = await b.post({ ...hidden, username: 'guest', password: 'pw', terms: '1' }).expect(303);
      const response = createHash('md5')
        .update(Buffer.from([0]))
        .update('pw')
        .update(Buffer.from(CHALLENGE, 'hex'))
        .digest('hex');
      expect(res.headers.location).toBe(
        `http://10.0.0.1:3990/logon?username=guest&response=${response}&lang=en&redir=http%3A%2F%2Fwww.google.com`,
      );
    });

    it('uspot: a username that names no account (inner space, TAB, U+00A0) is refused like a wrong password, not sent', async () => {
      const b = browser();
      const hidden = hiddenFields((await b.get('nasid=uspot-open&uamip=10.0.0.1').expect(200)).text);
      for (const username of ['guest user', 'e\tve', 'eve\u00a0x']) {
        const res = await b.post({ ...hidden, username, password: 'pw', terms: '1' }).expect(400);
        expect(res.headers.location).toBeUndefined();
        expect(res.text).toContain('Login failed. Please check your username and password.');
      }
    });

    it('uspot with uam_secret: md verified against uam_server, CHAP response computed server-side', async () => {
      const q = uspotQuery(
        {
          res: 'notyet',
          uamip: '10.0.0.1',
          uamport: '3990',
          challenge: CHALLENGE,
          mac: 'aa:bb:cc:dd:ee:01',
          ip: '10.0.0.23',
          nasid: 'uspot-chap',
          sessionid: '0011223344556677',
          userurl: 'http://example.org/',
        },
        { base: UAM_SERVER, secret: CHAP_SECRET },
      );
      const b = browser();
      const page = await b.get(q).expect(200);
      const hidden = hiddenFields(page.text);
      expect(hidden.challenge).toBe(CHALLENGE);
      const res = await b.post({ ...hidden, username: 'alice', password: 'wonderland' }).expect(303);
      const chal = createHash('md5').update(Buffer.from(CHALLENGE, 'hex')).update(CHAP_SECRET).digest();
      const response = createHash('md5')
        .update(Buffer.from([0]))
        .update('wonderland')
        .update(chal)
        .digest('hex');
      expect(res.headers.location).toBe(
        `http://10.0.0.1:3990/logon?username=alice&response=${response}&lang=en&redir=http%3A%2F%2Fexample.org%2F`,
      );
      expect(res.headers.location).not.toContain('wonderland');
      expect(res.headers.location).not.toContain(CHAP_SECRET);
    });

    it('uspot with uam_secret: tampered or missing md is a 403 page, never a form', async () => {
      const params = { res: 'notyet', uamip: '10.0.0.1', uamport: '3990', challenge: CHALLENGE, nasid: 'uspot-chap' };
      const good = uspotQuery(params, { base: UAM_SERVER, secret: CHAP_SECRET });
      for (const q of [
        good.replace('10.0.0.1', '10.0.0.66'),
        uspotQuery(params),
        good.replace(/md=.*/, 'md=' + '0'.repeat(32)),
        `${good}&uamport=80`,
        uspotQuery(params, { base: UAM_SERVER, secret: 'wrong' }),
      ]) {
        const res = await get(q).expect(403);
        expect(res.text).toContain('Link could not be verified');
        expect(res.text).not.toContain('<form');
        expectPortalHeaders(res);
      }
    });

    it('without uam_server the md base is the URL the request came in on (/portal and /portal/)', async () => {
      const params = { res: 'notyet', uamip: '10.0.0.1', uamport: '3990', challenge: CHALLENGE, nasid: 'uspot-self' };
      await get(uspotQuery(params, { base: `${t.url}/portal`, secret: CHAP_SECRET })).expect(200);
      await request(t.url)
        .get(`/portal/?${uspotQuery(params, { base: `${t.url}/portal/`, secret: CHAP_SECRET })}`)
        .expect(200);
      await get(uspotQuery(params, { base: `${t.url}/portal/`, secret: CHAP_SECRET })).expect(403);
    });
  });

  describe('result states', () => {
    it.each(['success', 'already'])('res=%s: connected, userurl link, logoff link', async (res) => {
      const page = await get(
        `res=${res}&nasid=uspot-open&uamip=10.0.0.1&userurl=http%3A%2F%2Fexample.org%2Fx&timeleft=3600&reply=Welcome%21`,
      ).expect(200);
      expect(page.text).toContain('You are connected');
      expect(page.text).toContain('href="http://example.org/x"');
      expect(page.text).toContain('href="http://10.0.0.1:3990/logoff"');
      expect(page.text).toContain('Time left: 60 min');
      expect(page.text).toContain('Welcome!');
      expect(page.text).not.toContain('<form');
    });

    it('res=logoff: logged-out page with a log-in-again link', async () => {
      const page = await get('res=logoff&nasid=gen-1&uamip=10.0.0.1&userurl=http%3A%2F%2Fexample.org%2F').expect(200);
      expect(page.text).toContain('You are logged out');
      expect(page.text).toContain('href="http://example.org/"');
      expect(page.text).toContain('Log in again');
    });

    it('res=reject with reply (Coova) shows the generic failure and the form again, never the reply', async () => {
      const page = await get(`res=reject&nasid=gen-1&uamip=10.0.0.1&reply=${encodeURIComponent('Bad <b>password</b>')}`).expect(200);
      expect(page.text).toContain('role="alert">Login failed. Please check your username and password.</p>');
      expect(page.text).not.toContain('password</b>');
      expect(formAction(page.text)).toBe('http://10.0.0.1:80/login');
    });

    it('res=reject after this browser tried a login: the reason the account holder needs, in their language', async () => {
      const b = browser();
      const hidden = hiddenFields((await b.get('nasid=uspot-open&uamip=10.0.0.1&lang=de').expect(200)).text);
      await b.post({ ...hidden, username: 'Bob', password: 'x', terms: '1' }).expect(303);
      const events = t.app.get(AuthEventsService);
      events.record({ username: 'bob', routerId: ids['uspot-open'], mac: 'AA:BB:CC:00:00:01', result: 'reject', reason: 'expired' });
      const de = await b.get('res=reject&nasid=uspot-open&uamip=10.0.0.1&lang=de').expect(200);
      expect(de.text).toContain('Ihr Zugang ist abgelaufen.');
      expect(formAction(de.text)).toBe('/portal/login');
      events.record({ username: 'bob', routerId: ids['uspot-open'], mac: 'AA:BB:CC:00:00:01', result: 'reject', reason: 'weird_new_code' });
      expect((await b.get('res=reject&nasid=uspot-open&uamip=10.0.0.1').expect(200)).text).toContain('Login failed');
    });

    it('res=failed&reason=timeout explains the router could not reach the server', async () => {
      expect((await get('res=failed&reason=timeout&nasid=gen-1&uamip=10.0.0.1').expect(200)).text).toContain(
        'could not reach the login server',
      );
    });

    it('res=notyet (or none) is the form', async () => {
      expect(formAction((await get('res=notyet&nasid=gen-1&uamip=10.0.0.1').expect(200)).text)).toBeDefined();
    });
  });

  describe('languages', () => {
    it('lang param, then Accept-Language, default English; html lang set', async () => {
      const de = await get('nasid=gen-1&uamip=10.0.0.1&lang=de').expect(200);
      expect(de.text).toContain('<html lang="de">');
      expect(de.text).toContain('Benutzername');
      const accept = await get('nasid=gen-1&uamip=10.0.0.1', { 'accept-language': 'fr-FR,de;q=0.8' }).expect(200);
      expect(accept.text).toContain('Anmelden');
      const paramWins = await get('nasid=gen-1&uamip=10.0.0.1&lang=en', { 'accept-language': 'de' }).expect(200);
      expect(paramWins.text).toContain('Username');
      expect((await get('nasid=gen-1&uamip=10.0.0.1').expect(200)).text).toContain('<html lang="en">');
      expect((await request(t.url).get('/portal').set('accept-language', 'de').expect(400)).text).toContain('Ungültiger Zugriff');
    });
  });

  describe('escaping', () => {
    const names = [
      'nasid',
      'uamip',
      'uamport',
      'userurl',
      'res',
      'mac',
      'ip',
      'challenge',
      'sessionid',
      'called',
      'lang',
      'reply',
      'reason',
      'md',
      'timeleft',
      'ssid',
      'error',
      'link-orig',
      'link-login-only',
      'chap-id',
      'chap-challenge',
    ];
    const valid: Record<string, string> = { uamip: '10.0.0.1', nasid: 'uspot-open' };

    it.each(names)('a <script> in %s never comes back unescaped, in any result state', async (name) => {
      for (const res of ['notyet', 'success', 'reject', 'failed', 'logoff']) {
        const q = uspotQuery({ ...valid, res, [name]: XSS, ...(name === 'res' ? { res: XSS } : {}) });
        const page = await get(q);
        expect(page.status).toBeLessThan(500);
        expect(page.text).not.toContain('<script');
        expect(page.text).not.toContain(XSS);
      }
    });

    it('a <script> in every parameter at once, and in router branding, stays escaped', async () => {
      const q = uspotQuery({
        ...Object.fromEntries(names.map((n) => [n, XSS])),
        uamip: '10.0.0.1',
        uamport: '3990',
        nasid: 'uspot-open',
        res: 'reject',
        reply: XSS,
        'link-login-only': undefined, // a bad login target is refused outright (see the per-parameter test)
      });
      const page = await get(q).expect(200);
      expect(page.text).not.toContain('<script');
      expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;'); // venue name and terms
      expect(page.text).toContain('<title>Venue &lt;script&gt;');
    });

    it('POST fields with <script> never come back unescaped', async () => {
      const b = browser();
      const hidden = hiddenFields((await b.get('nasid=uspot-open&uamip=10.0.0.1').expect(200)).text);
      const res = await b.post({ ...hidden, username: XSS, password: XSS }).expect(400); // terms not accepted: form again
      expect(res.text).not.toContain('<script');
      expect(res.text).toContain('value="&lt;script&gt;');
      const bad = await b.post({ ...hidden, uamip: XSS, username: 'x' }).expect(400);
      expect(bad.text).not.toContain('<script');
    });
  });

  describe('POST /portal/login', () => {
    let b: ReturnType<typeof browser>;
    beforeEach(() => (b = browser()));
    const uspotForm = async () =>
      hiddenFields((await b.get('nasid=uspot-open&uamip=10.0.0.1&userurl=http%3A%2F%2Fexample.org%2F').expect(200)).text);

    it('refuses a missing or forged form token (CSRF), and a swapped hidden field', async () => {
      const hidden = await uspotForm();
      const { csrf, ...rest } = hidden;
      void csrf;
      for (const body of [
        rest,
        { ...hidden, csrf: 'x' },
        { ...hidden, uamip: '10.66.0.1' },
        { ...hidden, uamport: '80' },
        { ...hidden, userurl: 'http://evil.example/' },
      ]) {
        const res = await b.post({ ...body, username: 'u', password: 'p', terms: '1' }).expect(403);
        expect(res.text).toContain('The login form expired');
        expect(res.headers.location).toBeUndefined();
      }
    });

    it('requires terms acceptance when the router has terms, and a username', async () => {
      const hidden = await uspotForm();
      const noTerms = await b.post({ ...hidden, username: 'u', password: 'p' }).expect(400);
      expect(noTerms.text).toContain('Please accept the terms of use.');
      expect(hiddenFields(noTerms.text).csrf).toBeDefined();
      const noUser = await b.post({ ...hidden, username: ' ', password: 'p', terms: '1' }).expect(400);
      expect(noUser.text).toContain('Please enter your username.');
      const longPw = await b.post({ ...hidden, username: 'u', password: 'x'.repeat(129), terms: '1' }).expect(400);
      expect(longPw.text).toContain('Login failed');
    });

    it('re-validates uamip and the router profile', async () => {
      const hidden = await uspotForm();
      await b.post({ ...hidden, uamip: '8.8.8.8', username: 'u', password: 'p', terms: '1' }).expect(400);
      await b.post({ username: 'u', password: 'p' }).expect(400);
      const genHidden = hiddenFields((await b.get('nasid=gen-1&uamip=10.0.0.1').expect(200)).text);
      await b.post({ ...genHidden, username: 'u', password: 'p' }).expect(403); // the generic form carries no token
    });

    it('needs the challenge when the router does CHAP', async () => {
      const q = uspotQuery(
        { res: 'notyet', uamip: '10.0.0.1', uamport: '3990', nasid: 'uspot-chap' },
        { base: UAM_SERVER, secret: CHAP_SECRET },
      );
      const hidden = hiddenFields((await b.get(q).expect(200)).text);
      await b.post({ ...hidden, username: 'u', password: 'p' }).expect(400);
    });

    it('rate-limits per client IP: the 11th login within a minute gets a 429 page', async () => {
      const hidden = await uspotForm();
      for (let i = 0; i < 10; i++) await b.post({ ...hidden, username: 'u', password: 'p', terms: '1' }).expect(303);
      const res = await b.post({ ...hidden, username: 'u', password: 'p', terms: '1' }).expect(429);
      expect(res.text).toContain('Too many attempts');
      expectPortalHeaders(res);
    });

    it('answers a body the form could never send with a 4xx, not a 500', async () => {
      // Fastify rejects unparsable bodies before the portal runs (the app-wide JSON filter answers);
      // a well-formed JSON body reaches the portal and gets its HTML page.
      const broken = await request(t.url).post('/portal/login').set('content-type', 'application/json').send('{bad');
      expect(broken.status).toBe(400);
      const json = await request(t.url).post('/portal/login').send({ uamip: '10.0.0.1', username: 'u' }).expect(400);
      expect(json.headers['content-type']).toBe('text/html; charset=utf-8');
    });
  });

  describe('assets and caching', () => {
    it('serves the stylesheet and default logo, 404 for anything else', async () => {
      const css = await request(t.url).get('/portal/assets/portal.css').expect(200);
      expect(css.headers['content-type']).toContain('text/css');
      expect((await request(t.url).get('/portal/assets/logo.svg').expect(200)).headers['content-type']).toContain('image/svg+xml');
      await request(t.url).get('/portal/assets/..%2Fportal.controller.ts').expect(404);
      await request(t.url).get('/portal/assets/constructor').expect(404);
    });

    it('picks up router changes at once (cache invalidated by router.changed)', async () => {
      await get('nasid=gen-1&uamip=10.0.0.1').expect(200);
      await t
        .admin()
        .patch(`/api/routers/${ids['gen-1']}`)
        .send({ venueName: 'Renamed Cafe', logoUrl: 'https://cdn.example.org/logo.png' })
        .expect(200);
      const page = await get('nasid=gen-1&uamip=10.0.0.1').expect(200);
      expect(page.text).toContain('<title>Renamed Cafe</title>');
      expect(page.text).toContain('src="https://cdn.example.org/logo.png"');
    });
  });
});
