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
import { sql } from './support/test-db';

const CHROMIUM = '/usr/bin/chromium';
const UAM_SECRET = 'voucher-uam-secret';
const DESTINATION = 'http://example.org/welcome';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === 'true') throw new Error(`Chromium not found at ${CHROMIUM}: required in CI`);
const skipNote = () => console.warn(`voucher browser tests skipped: ${CHROMIUM} is missing (set CI=true to make this fail)`);

/**
 * Issue 14, voucher login: routers in voucher mode, a batch of real vouchers, headless
 * Chromium typing (or scanning) a code, and real Access-Requests through FreeRADIUS from
 * the fake routers of test/support/portal-fake-*.ts (each follows its router's source).
 */
describe('voucher login through the captive portal in headless Chromium', () => {
  let t: TestApp;
  let browser: Browser | undefined;
  let fr: FreeRadius;
  const routers: Record<string, FakeRouter> = {};
  let codes: string[] = [];

  const setup = async <O extends FakeRouterBase>(
    name: string,
    start: (opts: O) => Promise<FakeRouter>,
    admin: Record<string, unknown>,
    fake: Partial<O> = {},
  ) => {
    const nasIp = `127.0.2.${Object.keys(routers).length + 1}`;
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
      portalMode: 'voucher',
      ...admin,
    };
    secret = (await t.admin().post('/api/routers').send(body).expect(201)).body.radiusSecret;
  };

  beforeAll(async () => {
    if (!haveChromium) return;
    t = await startTestApp({ PORTAL_ALLOW_LOOPBACK_UAMIP: '1' });
    fr = await startFreeRadius(t.radiusUrl, RADIUS_TOKEN, { RADIUS_REJECT_DELAY: '0' });
    const plan = (
      await t.admin().post('/api/plans').send({ name: 'Hour pass', validitySeconds: 3600, validFrom: 'first_login' }).expect(201)
    ).body;
    const batch = (await t.admin().post('/api/voucher-batches').send({ planId: plan.id, count: 12, venueName: 'Voucher Cafe' }).expect(201))
      .body;
    const csv = (await t.admin().get(`/api/voucher-batches/${batch.id}/vouchers.csv`).expect(200)).text;
    codes = csv
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(',')[0]);
    // Several logins per voucher in this suite (one per vendor, logoffs without accounting).
    await sql(t.databaseUrl, `UPDATE accounts SET max_sessions = 10 WHERE voucher_batch_id = $1`, [batch.id]);
    await setup('vw-generic', startFakeGeneric, {});
    await setup('vw-uspot', startFakeUspot, {});
    await setup(
      'vw-uspot-chap',
      startFakeUspot,
      { venueName: 'Voucher Cafe', uamSecret: UAM_SECRET, uamServer: `${t.url}/portal` },
      { uamSecret: UAM_SECRET, challenge: 'uspot-challenge' },
    );
    await setup('vw-coova', startFakeCoova, { uamSecret: UAM_SECRET }, { uamSecret: UAM_SECRET });
    await setup('vw-mikrotik', startFakeMikrotik, {});
    await setup('vw-mikrotik-pap', startFakeMikrotik, {}, { loginBy: ['http-pap'] });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-sync',
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all(Object.values(routers).map((r) => r.close()));
    await fr?.stop();
    await t?.close();
  });

  beforeEach(() => t?.app.get(LoginRateLimiter).reset());

  const openPage = async (): Promise<{ page: Page; errors: string[] }> => {
    const context = await browser!.newContext({ viewport: { width: 390, height: 760 }, locale: 'en-US' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
    page.on('pageerror', (err) => errors.push(err.message));
    return { page, errors };
  };

  const landed = (u: URL) =>
    u.pathname === '/portal' && (/^(success|reject|failed)$/.test(u.searchParams.get('res') ?? '') || !!u.searchParams.get('error'));

  /** Submits the one field; MikroTik http-pap and generic gateways take one more click on a form to the router. */
  const submit = async (page: Page) => {
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((u) => landed(u) || u.pathname === '/portal/login');
    if (new URL(page.url()).pathname === '/portal/login') {
      await Promise.all([page.waitForURL(landed), page.getByRole('button', { name: 'Log in' }).click()]);
    }
  };

  it.each(['vw-generic', 'vw-uspot', 'vw-uspot-chap', 'vw-coova', 'vw-mikrotik', 'vw-mikrotik-pap'])(
    '%s: asks for one code, logs in with it as username and password, and refuses a wrong code with one message',
    async (name) => {
      if (!browser) return skipNote();
      const { page, errors } = await openPage();
      await page.goto(routers[name].entryUrl(DESTINATION));
      await page.getByRole('heading', { name: 'Enter your voucher code' }).waitFor();
      expect(await page.getByLabel('Password').count()).toBe(0);
      // Typed in lower case, with the spaces people put between groups.
      const code = codes[0];
      await page.getByLabel('Voucher code').fill(`${code.slice(0, 5).toLowerCase()} ${code.slice(5)}`);
      await submit(page);
      await page.getByRole('heading', { name: 'You are connected' }).waitFor();
      const attempt = routers[name].attempts.at(-1)!;
      expect(attempt.username).toBe(code);
      if (attempt.kind === 'pap') expect(attempt.password).toBe(code);

      await page.goto(routers[name].entryUrl(DESTINATION));
      await page.getByLabel('Voucher code').fill('WRONGCODE99');
      await submit(page);
      await page.getByRole('alert').filter({ hasText: 'This voucher code is not valid.' }).waitFor();
      expect(errors).toEqual([]);
      await page.context().close();
    },
  );

  it("the card's QR code fills the code in on the hotspot's next login page", async () => {
    if (!browser) return skipNote();
    const { page } = await openPage();
    await page.goto(`${t.url}/portal/voucher?code=${codes[1]}`);
    await page.getByRole('heading', { name: 'Your voucher code is ready' }).waitFor();
    await page.goto(routers['vw-uspot-chap'].entryUrl(DESTINATION));
    expect(await page.getByLabel('Voucher code').inputValue()).toBe(codes[1]);
    // The README's picture of voucher mode; regenerated only on request or when missing.
    const shot = join(__dirname, '..', 'docs', 'img', 'portal-voucher.png');
    if (process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(shot)) await page.screenshot({ path: shot, fullPage: true });
    await submit(page);
    await page.getByRole('heading', { name: 'You are connected' }).waitFor();
    await page.context().close();
  });

  it.each<[string, string, string]>([
    ['expired', `expires_at = now() - interval '1 minute'`, 'This voucher has expired.'],
    ['used up', `quota_bytes = 1000, used_bytes = 1000`, 'This voucher is used up.'],
    ['revoked', `status = 'disabled'`, 'This voucher is no longer valid.'],
  ])('a voucher that is %s says so on the page', async (_name, change, message) => {
    if (!browser) return skipNote();
    const code = codes[{ expired: 2, 'used up': 3, revoked: 4 }[_name]!];
    await sql(t.databaseUrl, `UPDATE accounts SET ${change} WHERE username = $1`, [code]);
    for (const name of ['vw-coova', 'vw-mikrotik']) {
      const { page } = await openPage();
      await page.goto(routers[name].entryUrl(DESTINATION));
      await page.getByLabel('Voucher code').fill(code);
      await submit(page);
      await page.getByRole('alert').filter({ hasText: message }).waitFor();
      await page.context().close();
    }
  });
});
