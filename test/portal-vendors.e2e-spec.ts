import request from 'supertest';
import { createHash } from 'node:crypto';
import { LoginRateLimiter } from '@app/portal';
import { cookieHeader, formAction, hiddenFields } from './support/portal-helpers';
import { coovaUrlEncode } from './support/portal-fake-coova';
import { mikrotikChapPassword } from './support/portal-fake-mikrotik';
import { uspotUamUrl } from './support/portal-fake-uspot';
import { startTestApp, TestApp } from './support/test-app';

const SECRET = 'uam-secret-123';
const UAM_SERVER = 'https://portal.example.org/portal/';
const md5 = (...parts: (string | Buffer)[]) => parts.reduce((h, p) => h.update(p), createHash('md5')).digest();

/** What a browser sends for a URL a router put in a Location header (WHATWG URL parsing). */
const asBrowserSends = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

/**
 * Issue 13 §2-§4: the `coova` profile (GET /logon with a CHAP response), MikroTik http-chap
 * through link-login-only, and uspot `md` checks that survive what browsers do to real URLs.
 */
describe('captive portal: vendor profiles against the real routers’ URLs', () => {
  let t: TestApp;
  let nasIps = 0;
  const router = (body: Record<string, unknown>) =>
    t
      .admin()
      .post('/api/routers')
      .send({ name: String(body.nasIdentifier), nasIp: `198.51.100.${++nasIps}`, ...body })
      .expect(201);

  /**
   * One browser: sends the portal's cookies back and its own origin with the form. Cookies
   * by hand: behind a TLS proxy they are `Secure`, which a cookie jar on plain http drops.
   */
  const browserLogin = async (app: TestApp, path: string, creds: Record<string, string>, headers: Record<string, string> = {}) => {
    const page = await request(app.url).get(path).set(headers).expect(200);
    const cookie = cookieHeader(page.headers['set-cookie'] as unknown as string[]);
    const res = await request(app.url)
      .post('/portal/login')
      .type('form')
      .set({ origin: app.url, ...headers, ...(cookie ? { cookie } : {}) })
      .send({ ...hiddenFields(page.text), ...creds });
    return { page, res };
  };

  beforeAll(async () => {
    t = await startTestApp();
    await router({ nasIdentifier: 'coova-1', vendor: 'coova', uamSecret: SECRET, uamServer: UAM_SERVER, uamAddresses: ['10.1.0.1'] });
    await router({ nasIdentifier: 'coova-open', vendor: 'coova', uamAddresses: ['10.1.0.1'] });
    await router({ nasIdentifier: 'mt-chap', vendor: 'mikrotik', uamAddresses: ['10.5.50.1'], uamHostname: 'hotspot.cafe.example' });
    await router({ nasIdentifier: 'us-ssid', vendor: 'uspot', uamSecret: SECRET, uamServer: UAM_SERVER, uamAddresses: ['10.0.0.1'] });
    await router({ nasIdentifier: 'us-self', vendor: 'uspot', uamSecret: SECRET, uamAddresses: ['10.0.0.1'] });
  });
  afterAll(() => t?.close());
  beforeEach(() => t.app.get(LoginRateLimiter).reset());

  describe('§2 coova: GET /logon with a server-side CHAP response', () => {
    /** redir.c bstring_buildurl() order and redir_urlencode(), md by redir_md_param(). */
    const coovaLink = (challenge: string, userurl: string) => {
      let url = `${UAM_SERVER}?res=notyet&uamip=10.1.0.1&uamport=3990&challenge=${challenge}&called=${coovaUrlEncode('00-11-22-33-44-55')}`;
      url += `&mac=${coovaUrlEncode('AA-BB-CC-DD-EE-02')}&ip=10.1.0.23&nasid=coova-1&sessionid=${coovaUrlEncode('5f3a')}`;
      url += `&userurl=${coovaUrlEncode(userurl)}`;
      return `${url}&md=${md5(url, SECRET).toString('hex').toUpperCase()}`;
    };

    it('verifies Coova’s md, posts the form to the portal, and redirects to /logon?username&response&userurl', async () => {
      const challenge = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
      const userurl = 'http://example.org/a?b=1%202';
      const { page, res } = await browserLogin(t, asBrowserSends(coovaLink(challenge, userurl)), {
        username: 'alice',
        password: 'wonder land',
      });
      expect(formAction(page.text)).toBe('/portal/login');
      expect(res.status).toBe(303);
      const response = md5(Buffer.from([0]), 'wonder land', md5(Buffer.from(challenge, 'hex'), SECRET)).toString('hex');
      // userurl is encoded twice: redir.c decodes it in redir_getparam() and again with redir_urldecode().
      expect(res.headers.location).toBe(
        `http://10.1.0.1:3990/logon?username=alice&response=${response}&userurl=${encodeURIComponent(encodeURIComponent(userurl))}&lang=en`,
      );
      expect(res.headers.location).not.toMatch(/wonder|password=/);
    });

    it('without a uamSecret the CHAP challenge is Coova’s own; a tampered Coova link is refused', async () => {
      const challenge = '00112233445566778899aabbccddeeff';
      const { res } = await browserLogin(t, `/portal?res=notyet&uamip=10.1.0.1&uamport=3990&challenge=${challenge}&nasid=coova-open`, {
        username: 'bob',
        password: 'pw',
      });
      const response = md5(Buffer.from([0]), 'pw', Buffer.from(challenge, 'hex')).toString('hex');
      expect(res.headers.location).toContain(`/logon?username=bob&response=${response}&`);
      await request(t.url)
        .get(asBrowserSends(coovaLink(challenge, 'http://example.org/')).replace('10.1.0.23', '10.1.0.24'))
        .expect(403);
    });

    it('refuses to log in without a challenge (Coova never accepts a plain password by default)', async () => {
      const { res } = await browserLogin(t, '/portal?res=notyet&uamip=10.1.0.1&uamport=3990&nasid=coova-open', {
        username: 'bob',
        password: 'pw',
      });
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
    });
  });

  describe('§3 mikrotik: http-chap through link-login-only, $(error) back to the form', () => {
    const chapId = Buffer.from([0o371]);
    const challenge = Buffer.from('357015330013021234145245303253142246133175375316'.match(/.{3}/g)!.map((o) => parseInt(o, 8)));
    const octal = (b: Buffer) => [...b].map((x) => '\\' + x.toString(8).padStart(3, '0')).join('');
    /** login.html's redirect: RouterOS `-esc` variables, form-style escaping. */
    const link = (extra: Record<string, string> = {}, loginOnly = 'http://10.5.50.1/login') =>
      `/portal?${new URLSearchParams({
        nasid: 'mt-chap',
        'link-login-only': loginOnly,
        'link-orig': 'http://example.org/',
        mac: 'AA:BB:CC:DD:EE:03',
        ip: '10.5.50.23',
        'chap-id': octal(chapId),
        'chap-challenge': octal(challenge),
        error: '',
        ...extra,
      })}`;

    it('computes MD5(chap-id ‖ password ‖ chap-challenge) from the octal-escaped values and submits it to link-login-only', async () => {
      const { page, res } = await browserLogin(t, link(), { username: 'alice', password: 'wonder land' });
      expect(formAction(page.text)).toBe('/portal/login');
      expect(res.status).toBe(303);
      const hex = mikrotikChapPassword(chapId, 'wonder land', challenge);
      expect(res.headers.location).toBe(
        `http://10.5.50.1/login?username=alice&password=${hex}&dst=${encodeURIComponent('http://example.org/')}`,
      );
    });

    it('accepts the hotspot DNS name as the login target, and nothing else', async () => {
      const { res } = await browserLogin(t, link({}, 'http://hotspot.cafe.example/login'), { username: 'alice', password: 'x' });
      expect(res.headers.location).toMatch(/^http:\/\/hotspot\.cafe\.example\/login\?username=alice&password=[0-9a-f]{32}&dst=/);
      for (const target of [
        'http://evil.example/login',
        'http://10.5.50.66/login',
        'http://hotspot.cafe.example.evil/login',
        'javascript:alert(1)',
      ]) {
        const page = await request(t.url).get(link({}, target)).expect(400);
        expect(page.text).toContain('Invalid access method');
        expect(page.text).not.toContain('<form');
      }
    });

    it('without chap-id (http-pap) the form goes straight to link-login-only with dst', async () => {
      const page = await request(t.url)
        .get(link({ 'chap-id': '', 'chap-challenge': '' }))
        .expect(200);
      expect(formAction(page.text)).toBe('http://10.5.50.1/login');
      expect(hiddenFields(page.text)).toMatchObject({ dst: 'http://example.org/' });
    });

    it('a failed login (RouterOS re-serves login.html with $(error)) shows a clean error and the form again', async () => {
      const page = await request(t.url)
        .get(link({ error: 'invalid username or password <b>bold</b>' }))
        .expect(200);
      expect(page.text).toContain('Login failed. Please check your username and password.');
      expect(page.text).not.toContain('<b>bold</b>');
      expect(page.text).not.toContain('invalid username or password');
      expect(formAction(page.text)).toBe('/portal/login');
      const timeout = await request(t.url)
        .get(link({ error: 'RADIUS server is not responding' }))
        .expect(200);
      expect(timeout.text).toContain('could not reach the login server');
    });

    it('success and logoff pages link to the router by the same validated target', async () => {
      const ok = await request(t.url)
        .get(
          `/portal?res=success&nasid=mt-chap&link-login-only=${encodeURIComponent('http://hotspot.cafe.example/login')}&link-orig=http%3A%2F%2Fexample.org%2F`,
        )
        .expect(200);
      expect(ok.text).toContain('href="http://hotspot.cafe.example/logout"');
      await request(t.url)
        .get(`/portal?res=success&nasid=mt-chap&link-login-only=${encodeURIComponent('http://evil.example/login')}`)
        .expect(400);
    });
  });

  describe('§4 uspot md over real URLs', () => {
    const uspot = (over: Partial<Parameters<typeof uspotUamUrl>[0]> = {}) =>
      uspotUamUrl({
        uamServer: UAM_SERVER,
        res: 'notyet',
        uamip: '10.0.0.1',
        uamport: 3990,
        challenge: 'seed',
        mac: 'aa:bb:cc:dd:ee:01',
        ip: '10.0.0.23',
        nasmac: '00:11:22:33:44:55',
        nasid: 'us-ssid',
        sessionid: '0011223344556677',
        uamSecret: SECRET,
        ...over,
      });

    it('an SSID with a space (written raw by uspot, %20 from the browser) verifies', async () => {
      const signed = uspot({ ssid: 'Cafe WiFi' });
      expect(signed).toContain('&ssid=Cafe WiFi&');
      const sent = asBrowserSends(signed);
      expect(sent).toContain('ssid=Cafe%20WiFi');
      await request(t.url).get(sent).expect(200);
    });

    it('a quote in userurl (left raw by lucihttp, %27 from the browser) and a non-ASCII SSID verify', async () => {
      const sent = asBrowserSends(uspot({ ssid: 'Café "Zur Post"', redir: "http://example.org/?q='x'" }));
      expect(sent).toContain('%27x%27');
      const page = await request(t.url).get(sent).expect(200);
      expect(hiddenFields(page.text).userurl).toBe("http://example.org/?q='x'");
    });

    it('a tampered link is still refused', async () => {
      const sent = asBrowserSends(uspot({ ssid: 'Cafe WiFi', redir: "http://example.org/?q='x'" }));
      for (const bad of [
        sent.replace('Cafe%20WiFi', 'Cafe%20WiFj'),
        sent.replace('10.0.0.23', '10.0.0.24'),
        sent.replace('%27x%27', '%22x%22'),
        sent.replace('ssid=Cafe%20WiFi', 'ssid=Cafe+WiFi'),
        `${sent}&uamport=80`,
      ]) {
        expect((await request(t.url).get(bad).expect(403)).text).toContain('Link could not be verified');
      }
    });

    describe('without uamServer behind a TLS-terminating proxy', () => {
      let proxied: TestApp;
      let public_: TestApp;
      const link = () => asBrowserSends(uspot({ uamServer: 'https://portal.example.org/portal', nasid: 'us-self' }));
      const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'portal.example.org', 'x-forwarded-for': '203.0.113.9' };

      beforeAll(async () => {
        proxied = await startTestApp({ TRUSTED_PROXIES: '127.0.0.1/32,::1' });
        public_ = await startTestApp({ PUBLIC_URL: 'https://portal.example.org' });
        for (const app of [proxied, public_]) {
          await app
            .admin()
            .post('/api/routers')
            .send({
              name: 'u',
              vendor: 'uspot',
              nasIdentifier: 'us-self',
              nasIp: '198.51.100.200',
              uamSecret: SECRET,
              uamAddresses: ['10.0.0.1'],
            })
            .expect(201);
        }
      });
      afterAll(async () => {
        await proxied?.close();
        await public_?.close();
      });

      it('takes scheme and host from X-Forwarded-* of a trusted proxy only', async () => {
        await request(proxied.url).get(link()).set(forwarded).expect(200);
        await request(t.url).get(link()).set(forwarded).expect(403);
        await request(proxied.url).get(link()).expect(403);
      });

      it('or from PUBLIC_URL', async () => {
        await request(public_.url).get(link()).expect(200);
        await request(public_.url).get(link()).set(forwarded).expect(200);
      });

      it('the portal’s own origin for the login POST follows the same rule; its cookies are Secure there', async () => {
        const behindProxy = await browserLogin(
          proxied,
          link(),
          { username: 'u', password: 'p' },
          { ...forwarded, origin: 'https://portal.example.org' },
        );
        expect(behindProxy.res.status).toBe(303);
        expect(String(behindProxy.page.headers['set-cookie'])).toMatch(/portal_client=[^;]+;.*HttpOnly; SameSite=Lax; Secure/);
        const spoofed = await browserLogin(
          t,
          asBrowserSends(uspot({ nasid: 'us-ssid' })),
          { username: 'u', password: 'p' },
          {
            ...forwarded,
            origin: 'https://portal.example.org',
          },
        );
        expect(spoofed.res.status).toBe(403);
      });
    });
  });
});
