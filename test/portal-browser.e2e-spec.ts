import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { LoginRateLimiter } from '@app/portal';
import { FreeRadius, startFreeRadius } from './support/freeradius';
import { startFakeCoova } from './support/portal-fake-coova';
import { startFakeGeneric } from './support/portal-fake-generic';
import { startFakeMikrotik } from './support/portal-fake-mikrotik';
import { FakeRouter, FakeRouterBase } from './support/portal-fake-router';
import { startFakeUspot } from './support/portal-fake-uspot';
import { viaFreeRadius } from './support/portal-nas';
import { RADIUS_TOKEN, startTestApp, TestApp } from './support/test-app';

/** The one DOM call made inside the page; this project's tsconfig has no DOM lib. */
type BrowserWindow = { getComputedStyle(el: unknown): { backgroundColor: string } };

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(__dirname, '..', 'docs', 'img');
const USERS = { alice: 'wonder land+1' };
const UAM_SECRET = 'browser-uam-secret';
const GENERIC_FAILURE = 'Login failed. Please check your username and password.';
/** The MikroTik hotspot's DNS name; Chromium resolves it to the fake router on loopback. */
const HOTSPOT_DNS = 'hotspot.test';
/** A destination with a `'`, which uspot leaves unencoded and Chromium re-encodes (md must still verify). */
const DESTINATION = "http://example.org/welcome?src='wifi'";

// A missing browser fails CI loudly; on a developer machine the tests only say why they did nothing.
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === 'true') throw new Error(`Chromium not found at ${CHROMIUM}: required in CI`);
const skipNote = () => console.warn(`portal browser tests skipped: ${CHROMIUM} is missing (set CI=true to make this fail)`);

/**
 * Chromium logs in through every vendor profile against fake routers written from the
 * routers' own sources (test/support/portal-fake-*.ts), each sending a real
 * Access-Request through FreeRADIUS with this project's overlay.
 */
describe('captive portal in headless Chromium, against a fake router per vendor', () => {
  let t: TestApp;
  let browser: Browser | undefined;
  let fr: FreeRadius;
  const routers: Record<string, FakeRouter> = {};

  const setup = async <O extends FakeRouterBase>(
    name: string,
    start: (opts: O) => Promise<FakeRouter>,
    admin: Record<string, unknown>,
    fake: Partial<O> = {},
  ) => {
    const nasIp = `127.0.1.${Object.keys(routers).length + 1}`;
    let secret = '';
    const router = await start({
      nasid: name,
      portalUrl: `${t.url}/portal`,
      authenticate: viaFreeRadius({ port: () => fr.authPort, nasIp, nasid: name, secret: () => secret }),
      ...fake,
    } as O);
    routers[name] = router;
    const body = {
      name,
      vendor: router.vendor,
      nasIdentifier: name,
      nasIp,
      uamPort: router.uamport,
      uamAddresses: ['127.0.0.1'],
      ...admin,
    };
    secret = (await t.admin().post('/api/routers').send(body).expect(201)).body.radiusSecret;
  };

  beforeAll(async () => {
    if (!haveChromium) return;
    // Test/dev switch: the fake routers live on 127.0.0.1, which production refuses as uamip.
    t = await startTestApp({ PORTAL_ALLOW_LOOPBACK_UAMIP: '1' });
    fr = await startFreeRadius(t.radiusUrl, RADIUS_TOKEN, { RADIUS_REJECT_DELAY: '0' });
    const customer = (await t.admin().post('/api/customers').send({ name: 'Hotspot guests' }).expect(201)).body;
    for (const [username, password] of Object.entries(USERS)) {
      await t
        .admin()
        .post(`/api/customers/${customer.id}/accounts`)
        .send({ username, password, kind: 'hotspot', maxSessions: 10 })
        .expect(201);
    }
    await setup('bw-generic', startFakeGeneric, { venueName: 'Seed Cafe' });
    await setup('bw-uspot', startFakeUspot, {
      venueName: 'Harbour Cafe WiFi',
      termsText: 'Be kind to other guests. No illegal downloads. Access may be logged as required by law.',
    });
    // uspot 2024 in TIP mode: the SSID goes into the signed URL unencoded; Chromium sends it as %20.
    await setup(
      'bw-uspot-chap',
      startFakeUspot,
      { venueName: 'CHAP Cafe', uamSecret: UAM_SECRET, uamServer: `${t.url}/portal` },
      { uamSecret: UAM_SECRET, ssid: 'Cafe WiFi', challenge: 'uspot-challenge' },
    );
    await setup('bw-coova', startFakeCoova, { venueName: 'Coova Corner', uamSecret: UAM_SECRET }, { uamSecret: UAM_SECRET });
    // A RouterOS identity with spaces, default login-by (http-chap), a hotspot DNS name.
    await setup('MikroTik Bar 1', startFakeMikrotik, { venueName: 'MikroTik Bar', uamHostname: HOTSPOT_DNS }, { dnsName: HOTSPOT_DNS });
    await setup('bw-mikrotik-pap', startFakeMikrotik, { venueName: 'MikroTik PAP' }, { loginBy: ['http-pap'] });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--host-resolver-rules=MAP ${HOTSPOT_DNS} 127.0.0.1`,
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(Object.values(routers).map((r) => r.close()));
    await fr?.stop();
    await t?.close();
  });

  beforeEach(() => t?.app.get(LoginRateLimiter).reset());

  /** A phone-sized page that records CSP violations and other console errors. */
  const openPage = async (locale = 'en-US'): Promise<{ page: Page; errors: string[] }> => {
    const context = await browser!.newContext({ viewport: { width: 390, height: 760 }, locale });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('response', (res) => res.status() >= 400 && errors.push(`${res.status()} ${res.url()}`));
    return { page, errors };
  };

  /** Regenerated only on request or when missing, so a CI run leaves the tree clean. */
  const screenshot = async (page: Page, name: string) => {
    const file = join(SHOTS, `portal-${name}.png`);
    if (process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(file)) await page.screenshot({ path: file, fullPage: true });
  };

  /** The portal page a login attempt ends on: connected, or the form again with an alert. */
  const landed = (u: URL) =>
    u.pathname === '/portal' && (/^(success|reject|failed)$/.test(u.searchParams.get('res') ?? '') || !!u.searchParams.get('error'));

  const login = async (page: Page, name: string, password: string, terms = false, destination = DESTINATION) => {
    await page.goto(routers[name].entryUrl(destination));
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(password);
    if (terms) await page.getByLabel('I accept the terms of use').check();
    await Promise.all([page.waitForURL(landed), page.getByRole('button', { name: 'Log in' }).click()]);
  };

  it.each([
    ['bw-generic', false],
    ['bw-uspot', true],
    ['bw-uspot-chap', false],
    ['bw-coova', false],
    ['MikroTik Bar 1', false],
    ['bw-mikrotik-pap', false],
  ])('%s: logs in, is connected, logs off; a wrong password gets one clean message and the form again', async (name, terms) => {
    if (!browser) return skipNote();
    const { page, errors } = await openPage();
    await page.goto(routers[name].entryUrl(DESTINATION));
    await page.getByRole('heading', { name: 'Log in to the internet' }).waitFor();
    // The same-origin stylesheet applied under the strict CSP.
    expect(
      await page
        .getByRole('button', { name: 'Log in' })
        .evaluate((b) => (globalThis as unknown as BrowserWindow).getComputedStyle(b).backgroundColor),
    ).toBe('rgb(11, 98, 214)');

    await login(page, name, USERS.alice, terms);
    await page.getByRole('heading', { name: 'You are connected' }).waitFor();
    expect(await page.getByRole('link', { name: DESTINATION }).getAttribute('href')).toBe(DESTINATION);

    await Promise.all([page.waitForURL(/\/portal\?.*res=logoff/), page.getByRole('link', { name: 'Log out' }).click()]);
    await page.getByRole('heading', { name: 'You are logged out' }).waitFor();

    await login(page, name, 'wrong', terms);
    await page.getByRole('alert').filter({ hasText: GENERIC_FAILURE }).waitFor();
    await page.getByLabel('Username').waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('the password crosses the WiFi only as CHAP wherever the router can take it', async () => {
    if (!browser) return skipNote();
    for (const name of ['bw-uspot-chap', 'bw-coova', 'MikroTik Bar 1']) {
      const logins = routers[name].requests.filter((r) => /\/(logon|login)\?.*username=/.test(r));
      expect(logins.length).toBeGreaterThan(1);
      for (const r of logins) expect(r).not.toMatch(/wonder|wrong|[?&]password=[^&]*%20/);
      expect(routers[name].attempts.length).toBeGreaterThan(1);
      expect(routers[name].attempts.every((a) => a.kind === 'chap')).toBe(true);
    }
    expect(routers['bw-coova'].requests.some((r) => r.startsWith('GET /logon?') && /[?&]response=[0-9a-f]{32}/.test(r))).toBe(true);
    // MikroTik: CHAP with the router's own chap-id as ident, not uspot's 0.
    const idents = routers['MikroTik Bar 1'].attempts.map((a) => (a.kind === 'chap' ? a.ident : -1));
    expect(idents.every((i) => i >= 0 && i <= 255)).toBe(true);
    // Without uam_secret (uspot) or with http-pap (MikroTik) the protocol only has the plain password.
    expect(routers['bw-uspot'].requests.find((r) => r.includes('/logon') && r.includes('password=wonder'))).toContain(
      'password=wonder%20land%2B1',
    );
    expect(routers['bw-mikrotik-pap'].attempts.every((a) => a.kind === 'pap')).toBe(true);
  });

  it('the fakes hold the routers to their rules: Coova drops a POST, RouterOS refuses a plain password under http-chap', async () => {
    if (!browser) return skipNote();
    const coova = routers['bw-coova'];
    await expect(
      fetch(`http://127.0.0.1:${coova.uamport}/login`, { method: 'POST', body: 'username=alice&password=x', redirect: 'manual' }),
    ).rejects.toThrow();
    const mt = routers['MikroTik Bar 1'];
    const before = mt.attempts.length;
    const page = await (
      await fetch(`http://127.0.0.1:${mt.uamport}/login?username=alice&password=${encodeURIComponent(USERS.alice)}`)
    ).text();
    expect(page).toContain('error=invalid+username+or+password');
    expect(mt.attempts.slice(before)).toEqual([{ kind: 'pap', username: 'alice', password: USERS.alice }]);
  });

  it('shows a German page for a German browser, and records screenshots of each state', async () => {
    if (!browser) return skipNote();
    const { page: de } = await openPage('de-DE');
    await de.goto(routers['bw-uspot'].entryUrl('http://example.org/'));
    await de.getByRole('heading', { name: 'Im Internet anmelden' }).waitFor();
    await de.context().close();

    const { page } = await openPage();
    await page.goto(routers['bw-uspot'].entryUrl('http://example.org/welcome'));
    await screenshot(page, 'notyet');
    await login(page, 'bw-uspot', 'wrong', true, 'http://example.org/welcome');
    await screenshot(page, 'reject');
    await login(page, 'bw-uspot', USERS.alice, true, 'http://example.org/welcome');
    await screenshot(page, 'success');
    await page.goto(`${t.url}/portal`);
    await page.getByRole('heading', { name: 'Invalid access method' }).waitFor();
    await screenshot(page, 'invalid-access');
    await page.context().close();
  });
});
