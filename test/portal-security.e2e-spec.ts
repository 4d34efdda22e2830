import request from 'supertest';
import { AuthEventsService } from '@app/aaa';
import { LoginRateLimiter } from '@app/portal';
import { cookieHeader, formAction, hiddenFields, uspotQuery } from './support/portal-helpers';
import { startTestApp, TestApp } from './support/test-app';

const SECRET = 'uam-secret-123';
const UAM_SERVER = 'https://portal.example.org/portal/';
const CHALLENGE = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const INVALID = 'Invalid access method';
const GENERIC = 'Login failed. Please check your username and password.';

/**
 * Issue 11 §5/§6: the portal is bound to the router that sent the user (its UAM
 * address), shows one message for unknown user and wrong password, and its login
 * POST only accepts forms it rendered for the same browser.
 */
describe('captive portal: bound to its router, no enumeration, no login CSRF', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  let nasIps = 0;
  const router = async (body: Record<string, unknown>) => {
    const res = await t
      .admin()
      .post('/api/routers')
      .send({ name: String(body.nasIdentifier), nasIp: `203.0.113.${++nasIps}`, ...body })
      .expect(201);
    ids[String(body.nasIdentifier)] = res.body.id;
    return res.body;
  };
  const get = (query: string, headers: Record<string, string> = {}) => request(t.url).get(`/portal?${query}`).set(headers);
  const post = (body: Record<string, string>, headers: Record<string, string>) =>
    request(t.url).post('/portal/login').type('form').set(headers).send(body);

  beforeAll(async () => {
    t = await startTestApp();
    await router({ nasIdentifier: 'gen-bound', vendor: 'generic', uamAddresses: ['192.168.56.10'] });
    await router({ nasIdentifier: 'multi-lan', vendor: 'generic', uamAddresses: ['10.1.0.0/16', '10.2.0.1'] });
    await router({ nasIdentifier: 'unbound', vendor: 'generic' });
    await router({ nasIdentifier: 'us-chap', vendor: 'uspot', uamSecret: SECRET, uamServer: UAM_SERVER, uamAddresses: ['10.0.0.1'] });
    await router({ nasIdentifier: 'us-open', vendor: 'uspot', uamAddresses: ['10.0.0.1'] });
    await router({ nasIdentifier: 'Cafe Bar WiFi', vendor: 'uspot', uamAddresses: ['10.0.0.1'] });
  });
  afterAll(() => t?.close());
  beforeEach(() => t.app.get(LoginRateLimiter).reset());

  describe('§5 the link must point at the router it names', () => {
    it('refuses a uamip that is not the router UAM address (no uamSecret) with the Invalid access method page', async () => {
      const res = await get('nasid=gen-bound&uamip=10.66.6.6&uamport=80').expect(400);
      expect(res.text).toContain(INVALID);
      expect(res.text).not.toContain('<form');
      expect(res.text).not.toContain('10.66.6.6');
      expect(formAction((await get('nasid=gen-bound&uamip=192.168.56.10&uamport=80').expect(200)).text)).toBe(
        'http://192.168.56.10:80/login',
      );
    });

    it('accepts any address in one of the router CIDRs, and nothing outside them', async () => {
      await get('nasid=multi-lan&uamip=10.1.2.3').expect(200);
      await get('nasid=multi-lan&uamip=10.2.0.1').expect(200);
      expect((await get('nasid=multi-lan&uamip=10.2.0.2').expect(400)).text).toContain(INVALID);
      expect((await get('nasid=multi-lan&uamip=10.3.0.1').expect(400)).text).toContain(INVALID);
    });

    it('refuses a router that has no UAM address yet, an unknown nasid and a missing nasid', async () => {
      for (const q of ['nasid=unbound&uamip=10.0.0.1', 'nasid=nobody&uamip=10.0.0.1', 'uamip=10.0.0.1']) {
        const res = await get(q).expect(400);
        expect(res.text).toContain(INVALID);
        expect(res.text).not.toContain('<form');
      }
    });

    it('keeps the md check on top: a correctly signed link to a foreign uamip is still refused', async () => {
      const params = { res: 'notyet', uamip: '10.0.0.66', uamport: '3990', challenge: CHALLENGE, nasid: 'us-chap' };
      const res = await get(uspotQuery(params, { base: UAM_SERVER, secret: SECRET })).expect(400);
      expect(res.text).toContain(INVALID);
      await get(uspotQuery({ ...params, uamip: '10.0.0.1' }, { base: UAM_SERVER, secret: SECRET })).expect(200);
      expect((await get(uspotQuery({ ...params, uamip: '10.0.0.1' })).expect(403)).text).toContain('Link could not be verified');
    });

    it('refuses a POST whose form names a router the uamip does not belong to', async () => {
      const form = request.agent(t.url);
      const page = await form.get('/portal?nasid=us-open&uamip=10.0.0.1').expect(200);
      const hidden = hiddenFields(page.text);
      // The same form, re-signed by nobody: a swapped uamip fails the token, never reaches the router.
      await form
        .post('/portal/login')
        .type('form')
        .set('origin', t.url)
        .send({ ...hidden, uamip: '10.66.6.6', username: 'u', password: 'p' })
        .expect(403);
    });
  });

  describe('§6 nasid may be any printable text (uspot and MikroTik identities have spaces)', () => {
    it('the admin API accepts it, refuses control characters and surrounding blanks', async () => {
      await router({ nasIdentifier: "Jo's Café #2", vendor: 'mikrotik' });
      for (const nasIdentifier of ['bad\tname', 'bad\u0085name', ' padded', 'padded ', '', 'x'.repeat(254)]) {
        await t
          .admin()
          .post('/api/routers')
          .send({ name: 'n', vendor: 'uspot', nasIdentifier, nasIp: `203.0.113.${++nasIps}` })
          .expect(400);
      }
    });

    it('the portal finds the router by it (raw as uspot writes it, or %20 as a browser sends it) and escapes it', async () => {
      for (const q of ['nasid=Cafe%20Bar%20WiFi&uamip=10.0.0.1', 'nasid=Cafe+Bar+WiFi&uamip=10.0.0.1']) {
        const page = await get(q).expect(200);
        expect(hiddenFields(page.text).nasid).toBe('Cafe Bar WiFi');
        expect(formAction(page.text)).toBe('/portal/login');
      }
      const xss = await get(`nasid=${encodeURIComponent('<b>x</b>')}&uamip=10.0.0.1`).expect(400);
      expect(xss.text).not.toContain('<b>x</b>');
    });
  });

  describe('§6 username enumeration', () => {
    const record = (username: string, mac: string, reason: string) =>
      t.app.get(AuthEventsService).record({ username, routerId: ids['us-open'], mac, result: 'reject', reason });

    it('res=reject says the same for unknown user, wrong password, blocked and disabled; nothing is looked up by MAC', async () => {
      const cases: [string, string][] = [
        ['AA:BB:CC:00:00:11', 'unknown_user'],
        ['AA:BB:CC:00:00:12', 'wrong_password'],
        ['AA:BB:CC:00:00:13', 'banned'],
        ['AA:BB:CC:00:00:14', 'disabled'],
        ['AA:BB:CC:00:00:15', 'expired'],
        ['AA:BB:CC:00:00:16', 'quota_exceeded'],
      ];
      cases.forEach(([mac, reason], i) => record(`user${i}`, mac, reason));
      const texts = new Set<string>();
      for (const [mac] of cases) {
        const page = await get(`res=reject&nasid=us-open&uamip=10.0.0.1&mac=${mac}`).expect(200);
        expect(page.text).toContain(GENERIC);
        texts.add(page.text.replace(/value="[^"]*"/g, ''));
      }
      expect(texts.size).toBe(1);
    });

    it('the browser that tried a login hears more only when the account holder needs it (expired, quota), never for an unknown user', async () => {
      const attempt = async (username: string) => {
        const browser = request.agent(t.url);
        const form = await browser.get('/portal?nasid=us-open&uamip=10.0.0.1&mac=AA:BB:CC:00:00:21').expect(200);
        await browser
          .post('/portal/login')
          .type('form')
          .set('origin', t.url)
          .send({ ...hiddenFields(form.text), username, password: 'whatever' })
          .expect(303);
        return browser;
      };
      const shown: Record<string, string> = {};
      for (const [username, reason] of [
        ['ghost', 'unknown_user'],
        ['alice', 'wrong_password'],
        ['mallory', 'banned'],
        ['bob', 'expired'],
        ['carol', 'quota_exceeded'],
      ]) {
        const browser = await attempt(username);
        record(username, 'AA:BB:CC:00:00:21', reason);
        shown[reason] = (await browser.get('/portal?res=reject&nasid=us-open&uamip=10.0.0.1&mac=AA:BB:CC:00:00:21').expect(200)).text;
        // Another browser on the same device link learns nothing.
        const other = await get('res=reject&nasid=us-open&uamip=10.0.0.1&mac=AA:BB:CC:00:00:21').expect(200);
        expect(other.text).toContain(GENERIC);
      }
      for (const reason of ['unknown_user', 'wrong_password', 'banned']) expect(shown[reason]).toContain(GENERIC);
      expect(shown.expired).toContain('Your account has expired.');
      expect(shown.quota_exceeded).toContain('Your data allowance is used up.');
      for (const text of Object.values(shown)) {
        expect(text).not.toMatch(/Unknown username|Wrong password|This account is blocked/);
      }
    });

    it('a reject link never shows the text it carries (reply= is the router or an attacker talking)', async () => {
      const page = await get(`res=reject&nasid=us-open&uamip=10.0.0.1&reply=${encodeURIComponent('Account banned')}`).expect(200);
      expect(page.text).not.toContain('Account banned');
      expect(page.text).toContain(GENERIC);
    });
  });

  describe('§6 login CSRF', () => {
    const form = async () => {
      const browser = request.agent(t.url);
      const page = await browser.get('/portal?nasid=us-open&uamip=10.0.0.1').expect(200);
      const setCookie = page.headers['set-cookie'] as unknown as string[] | undefined;
      return { browser, hidden: hiddenFields(page.text), cookie: cookieHeader(setCookie) };
    };
    const creds = { username: 'u', password: 'p' };

    it('accepts the form from the portal own origin (Origin, or Referer when Origin is absent)', async () => {
      const a = await form();
      await a.browser
        .post('/portal/login')
        .type('form')
        .set('origin', t.url)
        .send({ ...a.hidden, ...creds })
        .expect(303);
      const b = await form();
      await b.browser
        .post('/portal/login')
        .type('form')
        .set('referer', `${t.url}/portal?nasid=us-open`)
        .send({ ...b.hidden, ...creds })
        .expect(303);
    });

    it('refuses a cross-site Origin, a foreign Referer, and a POST that carries neither', async () => {
      for (const headers of [
        { origin: 'http://evil.example' },
        { origin: 'null' },
        { referer: 'http://evil.example/page' },
        { origin: t.url.replace('127.0.0.1', 'localhost') },
        {},
      ]) {
        const a = await form();
        const res = await a.browser
          .post('/portal/login')
          .type('form')
          .set(headers as Record<string, string>)
          .send({ ...a.hidden, ...creds });
        expect(res.status).toBe(403);
        expect(res.headers.location).toBeUndefined();
      }
    });

    it('binds the form token to the browser that got the form', async () => {
      const victim = await form();
      const attacker = await form();
      expect(attacker.cookie).toBeDefined();
      // The attacker's token in the victim's browser, and a token without its cookie, are both refused.
      await victim.browser
        .post('/portal/login')
        .type('form')
        .set('origin', t.url)
        .send({ ...attacker.hidden, ...creds })
        .expect(403);
      await post({ ...attacker.hidden, ...creds }, { origin: t.url }).expect(403);
      await post({ ...attacker.hidden, ...creds }, { origin: t.url, cookie: attacker.cookie! }).expect(303);
    });
  });
});
