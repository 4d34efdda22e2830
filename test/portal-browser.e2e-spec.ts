import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { LoginRateLimiter } from '@app/portal';
import { FreeRadius, startFreeRadius } from './support/freeradius';
import { accessRequest } from './support/nas-client';
import { Authenticate, FakeRouter, FakeVendor, startFakeRouter } from './support/portal-fake-router';
import { RADIUS_TOKEN, startTestApp, TestApp } from './support/test-app';

/** The one DOM call made inside the page; this project's tsconfig has no DOM lib. */
type BrowserWindow = { getComputedStyle(el: unknown): { backgroundColor: string } };

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(__dirname, '..', 'docs', 'img');
const USERS = { alice: 'wonder land+1' };
const UAM_SECRET = 'browser-uam-secret';

// A missing browser fails CI loudly; on a developer machine the tests only say why they did nothing.
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === 'true') throw new Error(`Chromium not found at ${CHROMIUM}: required in CI`);
const skipNote = () => console.warn(`portal browser tests skipped: ${CHROMIUM} is missing (set CI=true to make this fail)`);

describe('captive portal in headless Chromium, against a fake router per vendor', () => {
  let t: TestApp;
  let browser: Browser | undefined;
  const routers: Record<string, FakeRouter> = {};
  const previousLoopback = process.env.PORTAL_ALLOW_LOOPBACK_UAMIP;

  let fr: FreeRadius;

  /**
   * The fake router's login handler does what a real one does: a real Access-Request
   * through FreeRADIUS (PAP, or CHAP with the portal-computed response), from its own
   * loopback address, signed with the secret the admin API generated.
   */
  const viaRadius =
    (nasIp: string, nasid: string, radiusSecret: () => string): Authenticate =>
    async (attempt, ctx) => {
      const creds: [string, string | Buffer][] =
        attempt.kind === 'pap'
          ? [['User-Password', attempt.password]]
          : [
              ['CHAP-Password', Buffer.concat([Buffer.from([0]), Buffer.from(attempt.chapResponse, 'hex')])],
              ['CHAP-Challenge', Buffer.from(attempt.chapChallenge, 'hex')],
            ];
      const reply = await accessRequest({
        port: fr.authPort,
        secret: radiusSecret(),
        srcIp: nasIp,
        attributes: [
          ['User-Name', attempt.username],
          ...creds,
          ['NAS-Identifier', nasid],
          ['Calling-Station-Id', ctx.mac],
          ['Framed-IP-Address', ctx.clientIp],
        ],
      });
      return reply?.code === 'Access-Accept';
    };

  const setup = async (name: string, vendor: FakeVendor, extra: Record<string, unknown> = {}, secret?: string) => {
    const nasIp = `127.0.1.${Object.keys(routers).length + 1}`;
    let radiusSecret = '';
    const fake = await startFakeRouter({
      vendor,
      nasid: name,
      portalUrl: `${t.url}/portal`,
      uamSecret: secret,
      authenticate: viaRadius(nasIp, name, () => radiusSecret),
    });
    routers[name] = fake;
    const body = { name, vendor, nasIdentifier: name, nasIp, uamPort: fake.uamport, ...extra };
    const res = await t
      .admin()
      .post('/api/routers')
      .send(secret ? { ...body, uamSecret: secret, uamServer: `${t.url}/portal` } : body)
      .expect(201);
    radiusSecret = res.body.radiusSecret;
  };

  beforeAll(async () => {
    if (!haveChromium) return;
    // Test/dev switch: the fake router lives on 127.0.0.1, which production refuses as uamip.
    process.env.PORTAL_ALLOW_LOOPBACK_UAMIP = '1';
    t = await startTestApp();
    fr = await startFreeRadius(t.radiusUrl, RADIUS_TOKEN, { RADIUS_REJECT_DELAY: '0' });
    const customer = (await t.admin().post('/api/customers').send({ name: 'Hotspot guests' }).expect(201)).body;
    for (const [username, password] of Object.entries(USERS)) {
      await t
        .admin()
        .post(`/api/customers/${customer.id}/accounts`)
        .send({ username, password, kind: 'hotspot', maxSessions: 10 })
        .expect(201);
    }
    await setup('bw-generic', 'generic', { venueName: 'Seed Cafe' });
    await setup('bw-uspot', 'uspot', {
      venueName: 'Harbour Cafe WiFi',
      termsText: 'Be kind to other guests. No illegal downloads. Access may be logged as required by law.',
    });
    await setup('bw-uspot-chap', 'uspot', { venueName: 'CHAP Cafe' }, UAM_SECRET);
    await setup('bw-mikrotik', 'mikrotik', { venueName: 'MikroTik Bar' });
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
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(Object.values(routers).map((r) => r.close()));
    await fr?.stop();
    await t?.close();
    if (previousLoopback === undefined) delete process.env.PORTAL_ALLOW_LOOPBACK_UAMIP;
    else process.env.PORTAL_ALLOW_LOOPBACK_UAMIP = previousLoopback;
  });

  beforeEach(() => t?.app.get(LoginRateLimiter).reset());

  /** A phone-sized page that records CSP violations and other console errors. */
  const openPage = async (): Promise<{ page: Page; errors: string[] }> => {
    const context = await browser!.newContext({ viewport: { width: 390, height: 760 }, locale: 'en-US' });
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

  const login = async (page: Page, name: string, password: string, terms = false) => {
    await page.goto(routers[name].entryUrl('http://example.org/welcome'));
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(password);
    if (terms) await page.getByLabel('I accept the terms of use').check();
    await Promise.all([page.waitForURL(/\/portal\?res=(success|reject)/), page.getByRole('button', { name: 'Log in' }).click()]);
  };

  it.each([
    ['bw-generic', false],
    ['bw-uspot', true],
    ['bw-uspot-chap', false],
    ['bw-mikrotik', false],
  ])('%s: logs in, is connected, logs off; a wrong password is rejected with the form again', async (name, terms) => {
    if (!browser) return skipNote();
    const { page, errors } = await openPage();
    await page.goto(routers[name].entryUrl('http://example.org/welcome'));
    await page.getByRole('heading', { name: 'Log in to the internet' }).waitFor();
    // The same-origin stylesheet applied under the strict CSP.
    expect(
      await page
        .getByRole('button', { name: 'Log in' })
        .evaluate((b) => (globalThis as unknown as BrowserWindow).getComputedStyle(b).backgroundColor),
    ).toBe('rgb(11, 98, 214)');

    await login(page, name, USERS.alice, terms);
    await page.getByRole('heading', { name: 'You are connected' }).waitFor();
    expect(await page.getByRole('link', { name: 'http://example.org/welcome' }).getAttribute('href')).toBe('http://example.org/welcome');

    await Promise.all([page.waitForURL(/res=logoff/), page.getByRole('link', { name: 'Log out' }).click()]);
    await page.getByRole('heading', { name: 'You are logged out' }).waitFor();

    await login(page, name, 'wrong', terms);
    // uspot sends no reason: the portal looks up the AuthEvent the real RADIUS round trip recorded.
    await page.getByRole('alert').filter({ hasText: 'Wrong password.' }).waitFor();
    await page.getByLabel('Username').waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('uspot: the password crosses the WiFi only as CHAP when a uam_secret is set, and %20-encoded otherwise', async () => {
    if (!browser) return skipNote();
    const chap = routers['bw-uspot-chap'].requests.filter((r) => r.includes('/logon'));
    expect(chap.length).toBeGreaterThan(0);
    for (const r of chap) {
      expect(r).toMatch(/[?&]response=[0-9a-f]{32}/);
      expect(r).not.toMatch(/password=|wonder|wrong/);
    }
    expect(routers['bw-uspot-chap'].attempts.every((a) => a.kind === 'chap')).toBe(true);
    const open = routers['bw-uspot'].requests.find((r) => r.includes('/logon') && r.includes('password=wonder'));
    expect(open).toContain('password=wonder%20land%2B1');
  });

  it('shows a German page for a German browser, and records screenshots of each state', async () => {
    if (!browser) return skipNote();
    const context = await browser.newContext({ viewport: { width: 390, height: 760 }, locale: 'de-DE' });
    const de = await context.newPage();
    await de.goto(routers['bw-uspot'].entryUrl('http://example.org/'));
    await de.getByRole('heading', { name: 'Im Internet anmelden' }).waitFor();
    await context.close();

    const { page } = await openPage();
    await page.goto(routers['bw-uspot'].entryUrl('http://example.org/welcome'));
    await screenshot(page, 'notyet');
    await login(page, 'bw-uspot', 'wrong', true);
    await screenshot(page, 'reject');
    await login(page, 'bw-uspot', USERS.alice, true);
    await screenshot(page, 'success');
    await page.goto(`${t.url}/portal`);
    await page.getByRole('heading', { name: 'Invalid access method' }).waitFor();
    await screenshot(page, 'invalid-access');
    await page.context().close();
  });
});
