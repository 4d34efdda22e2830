import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { PanelAddressLimiter } from '@app/panel';
import { attrLines, FreeRadius, radclient, reservePort, startFreeRadius } from './support/freeradius';
import { TestNas } from './support/rpc-nas';
import { sql } from './support/test-db';
import { RADIUS_TOKEN, startTestApp, TestApp } from './support/test-app';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(__dirname, '..', 'docs', 'img');
const NAS_IP = '127.0.5.1';
const SECRET = 'panel-browser-secret';
/** The office network: Erika's office connection may be managed from here only. */
const OFFICE_NET = '203.0.113.0/24';
const AT_OFFICE = '203.0.113.20';
const ELSEWHERE = '198.51.100.7';
const PANEL_PASSWORD = 'Erika panel 2026';
const OFFICE_OLD = 'office-old-pw';
const OFFICE_NEW = 'office new pw 2';
const LAPTOP_MAC = '02-00-5e-00-00-11';
const OFFICE_MAC = '02-00-5e-00-00-22';
/** A second office device for the RADIUS logins: a login from OFFICE_MAC would replace its open session. */
const PHONE_MAC = '02-00-5e-00-00-33';

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === 'true') throw new Error(`Chromium not found at ${CHROMIUM}: required in CI`);
const skipNote = () => console.warn(`panel browser tests skipped: ${CHROMIUM} is missing (set CI=true to make this fail)`);

/**
 * The customer panel in headless Chromium, end to end: a customer sets their password from
 * an invite link and signs in; their two connections show distinct static IPs and the usage
 * real accounting packets (radclient → FreeRADIUS with this project's overlay → API) left;
 * a device password changed in the panel is the one FreeRADIUS accepts on the very next
 * login (its answer cache evicted); a session is disconnected through the router's real
 * channel (RFC 5176 to a NAS written from the RouterOS manual, test/support/rpc-nas.ts);
 * the customer signs out; and from outside the allowlisted network the sign-in is refused.
 * The browser's address is set with X-Forwarded-For, which the API believes because the
 * browser's own address (127.0.0.1) is the trusted proxy in this setup.
 */
describe('customer panel in headless Chromium, with FreeRADIUS and a router', () => {
  let t: TestApp;
  let fr: FreeRadius;
  let nas: TestNas;
  let browser: Browser | undefined;
  const ids: Record<string, string> = {};
  const ips: Record<string, string> = {};

  const acct = (attrs: Record<string, string | number>) =>
    radclient(fr.acctPort, 'acct', SECRET, [attrLines({ 'Packet-Src-IP-Address': NAS_IP, 'NAS-Identifier': 'erika-mt', ...attrs })]);
  const login = async (username: string, password: string, mac: string) =>
    (
      await radclient(fr.authPort, 'auth', SECRET, [
        attrLines({
          'Packet-Src-IP-Address': NAS_IP,
          'NAS-Identifier': 'erika-mt',
          'User-Name': username,
          'User-Password': password,
          'Calling-Station-Id': mac,
        }),
      ])
    )[0]?.code;

  beforeAll(async () => {
    if (!haveChromium) return;
    const controlPort = reservePort();
    t = await startTestApp({
      // The browser reaches the API from 127.0.0.1: as the trusted proxy, its X-Forwarded-For names the client.
      TRUSTED_PROXIES: '127.0.0.1',
      // FreeRADIUS answers repeat logins from memory; the API evicts it.
      RADIUS_ANSWER_CACHE_CONTROL: `127.0.0.1:${controlPort}`,
      RADIUS_ANSWER_CACHE_REPEAT_MS: '500',
      RPC_TIMEOUT_MS: '3000',
    });
    fr = await startFreeRadius(t.radiusUrl, RADIUS_TOKEN, { RADIUS_CONTROL_PORT: String(controlPort), RADIUS_REJECT_DELAY: '0' });
    nas = await new TestNas('routeros', SECRET, NAS_IP).start();
    const admin = t.admin();
    await admin
      .post('/api/routers')
      .send({
        name: 'Erika Home Router',
        vendor: 'mikrotik',
        nasIdentifier: 'erika-mt',
        nasIp: NAS_IP,
        coaPort: nas.port,
        radiusSecret: SECRET,
      })
      .expect(201);
    const profile = (
      await admin.post('/api/speed-profiles').send({ name: 'Home 50', downloadKbps: 50_000, uploadKbps: 10_000 }).expect(201)
    ).body.id;
    const pool = (await admin.post('/api/ip-pools').send({ name: 'erika-pool', cidr: '10.77.0.0/24' }).expect(201)).body.id;
    ids.customer = (await admin.post('/api/customers').send({ name: 'Erika Mustermann', email: 'erika@example.org' }).expect(201)).body.id;
    for (const [username, extra] of [
      ['erika.laptop', { quotaBytes: 5_000_000_000 }],
      ['erika.office', { password: OFFICE_OLD, panelAllowlist: [OFFICE_NET] }],
    ] as const) {
      const body = { username, password: 'laptop-pw-1', kind: 'vpn', ipPoolId: pool, speedProfileId: profile, maxSessions: 3, ...extra };
      const res = (await admin.post(`/api/customers/${ids.customer}/accounts`).send(body).expect(201)).body;
      ids[username] = res.id;
      ips[username] = res.staticIp;
    }
    expect(ips['erika.laptop']).not.toBe(ips['erika.office']);

    // Real accounting through FreeRADIUS: the laptop is online with 1.5 GB; the office had a
    // session that ended (250 MB) and has one open now.
    const start = (user: string, id: string, mac: string) =>
      acct({
        'Acct-Status-Type': 'Start',
        'User-Name': user,
        'Acct-Session-Id': id,
        'Framed-IP-Address': ips[user],
        'Calling-Station-Id': mac,
      });
    for (const [code] of [
      await start('erika.laptop', 'L-1', LAPTOP_MAC),
      await acct({
        'Acct-Status-Type': 'Interim-Update',
        'User-Name': 'erika.laptop',
        'Acct-Session-Id': 'L-1',
        'Framed-IP-Address': ips['erika.laptop'],
        'Calling-Station-Id': LAPTOP_MAC,
        'Acct-Session-Time': 3600,
        'Acct-Input-Octets': 300_000_000,
        'Acct-Output-Octets': 1_200_000_000,
      }),
      await start('erika.office', 'O-1', OFFICE_MAC),
      await acct({
        'Acct-Status-Type': 'Stop',
        'User-Name': 'erika.office',
        'Acct-Session-Id': 'O-1',
        'Framed-IP-Address': ips['erika.office'],
        'Calling-Station-Id': OFFICE_MAC,
        'Acct-Session-Time': 1800,
        'Acct-Input-Octets': 50_000_000,
        'Acct-Output-Octets': 200_000_000,
        'Acct-Terminate-Cause': 'User-Request',
      }),
      await start('erika.office', 'O-2', OFFICE_MAC),
    ]) {
      expect(code?.code).toBe('Accounting-Response');
    }
    // The router holds the sessions it reported, as it would name them in a Disconnect-Request.
    nas.addSession({ 'User-Name': 'erika.laptop', 'Acct-Session-Id': 'L-1', 'Framed-IP-Address': ips['erika.laptop'] });
    nas.addSession({ 'User-Name': 'erika.office', 'Acct-Session-Id': 'O-2', 'Framed-IP-Address': ips['erika.office'] });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await nas?.close();
    await fr?.stop();
    await t?.close();
  });

  beforeEach(() => t?.app.get(PanelAddressLimiter).reset());

  /** A desktop-sized page at `clientIp` that records CSP violations, script errors and failed loads. */
  const open = async (clientIp: string, locale = 'en-GB'): Promise<{ context: BrowserContext; page: Page; errors: string[] }> => {
    const context = await browser!.newContext({
      viewport: { width: 1100, height: 900 },
      locale,
      extraHTTPHeaders: { 'x-forwarded-for': clientIp },
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('requestfailed', (req) => errors.push(`failed ${req.url()}`));
    page.on('request', (req) => !req.url().startsWith(t.url) && errors.push(`third-party ${req.url()}`));
    return { context, page, errors };
  };

  /** Regenerated only on request or when missing, so a CI run leaves the tree clean. */
  const screenshot = async (page: Page, name: string) => {
    const file = join(SHOTS, `panel-${name}.png`);
    if (process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(file)) await page.screenshot({ path: file, fullPage: true });
  };

  const card = (page: Page, username: string) => page.locator(`section.connection[data-username="${username}"]`);

  it('invite, sign in, two connections with their usage, device password, disconnect, history, sign out', async () => {
    if (!browser) return skipNote();
    const { context, page, errors } = await open(AT_OFFICE);

    // The admin sends the invite link; the customer sets a password with it and signs in.
    const invite = (await t.admin().post(`/api/customers/${ids.customer}/panel-invite`).expect(201)).body;
    await page.goto(invite.url);
    await page.getByRole('heading', { name: 'Set your password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill(PANEL_PASSWORD);
    await page.getByLabel('New password again').fill(PANEL_PASSWORD);
    await Promise.all([
      page.waitForURL(/\/panel\/sign-in\?done=password-set$/),
      page.getByRole('button', { name: 'Save password' }).click(),
    ]);
    await page.getByRole('status').filter({ hasText: 'Your password is set. Sign in with it.' }).waitFor();
    await page.getByLabel('Email').fill('erika@example.org');
    await page.getByLabel('Password').fill(PANEL_PASSWORD);
    await screenshot(page, 'sign-in');
    await Promise.all([page.waitForURL(`${t.url}/panel`), page.getByRole('button', { name: 'Sign in' }).click()]);

    // Both connections, with distinct static IPs, the usage accounting brought, and the open sessions.
    await page.getByRole('heading', { name: 'Your connections' }).waitFor();
    const laptop = card(page, 'erika.laptop');
    const office = card(page, 'erika.office');
    expect(await laptop.locator('.static-ip').textContent()).toBe(ips['erika.laptop']);
    expect(await office.locator('.static-ip').textContent()).toBe(ips['erika.office']);
    expect((await laptop.locator('.usage').textContent())?.replace(/\s+/g, ' ').trim()).toMatch(/^1\.5 GB of 5 GB \(30%\)/);
    expect(await laptop.locator('meter').getAttribute('value')).toBe('1500000000');
    expect((await office.locator('.usage').textContent())?.trim()).toBe('250 MB (no limit)');
    const laptopRow = laptop.locator('tbody tr');
    expect(await laptopRow.count()).toBe(1);
    expect(await laptopRow.locator('td').allTextContents()).toEqual(
      // The MAC as the API stores a Calling-Station-Id.
      expect.arrayContaining(['Erika Home Router', '02:00:5E:00:00:11', ips['erika.laptop'], '1.2 GB / 300 MB']),
    );
    expect(await office.getByText('Home 50: ↓ 50 Mbit/s · ↑ 10 Mbit/s').count()).toBe(1);
    await screenshot(page, 'connections');

    // FreeRADIUS knows the office device by its old password and keeps the answer in memory.
    expect(await login('erika.office', OFFICE_OLD, PHONE_MAC)).toBe('Access-Accept');
    expect(await login('erika.office', OFFICE_OLD, PHONE_MAC)).toBe('Access-Accept');

    // A new device password in the panel: the very next RADIUS login needs it.
    await office.getByRole('link', { name: 'Manage' }).click();
    await page.getByRole('heading', { name: 'Change the device password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill(OFFICE_NEW);
    await page.getByLabel('New password again').fill(OFFICE_NEW);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').filter({ hasText: 'The password is changed.' }).waitFor();
    await screenshot(page, 'device');
    expect(await login('erika.office', OFFICE_NEW, PHONE_MAC)).toBe('Access-Accept');
    expect(await login('erika.office', OFFICE_OLD, PHONE_MAC)).toBe('Access-Reject');

    // Disconnect the laptop's session: a Disconnect-Request to the router, the session closed.
    await page.getByRole('link', { name: 'Connections' }).click();
    const before = nas.requests.length;
    await card(page, 'erika.laptop')
      .getByRole('button', { name: /^Disconnect/ })
      .click();
    await page.getByRole('status').filter({ hasText: 'The session was disconnected.' }).waitFor();
    expect(nas.requests.slice(before).map((r) => r.attributes)).toEqual([
      expect.objectContaining({ 'User-Name': 'erika.laptop', 'Acct-Session-Id': 'L-1', 'Framed-IP-Address': ips['erika.laptop'] }),
    ]);
    expect(nas.sessions.map((s) => s['Acct-Session-Id'])).toEqual(['O-2']);
    const [closed] = await sql<{ terminate_cause: string }>(
      t.databaseUrl,
      `SELECT terminate_cause FROM sessions WHERE acct_session_id = 'L-1'`,
    );
    expect(closed.terminate_cause).toBe('Admin-Reset');
    // Back on the laptop's page, which has no open session left.
    await page.getByText('No open sessions.').waitFor();

    // History: the chart (server-side SVG) and the closed sessions.
    await page.getByRole('link', { name: 'History' }).click();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    const chart = page.getByRole('img', { name: 'Data per day, last 30 days' });
    await chart.waitFor();
    expect(await chart.locator('rect.bar').count()).toBeGreaterThan(0);
    const rows = page.locator('section[aria-labelledby="closed-heading"] tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.allTextContents()).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Disconnected from the panel or by your provider'),
        expect.stringContaining('Device (logged off)'),
      ]),
    );
    await screenshot(page, 'history');

    // Sign out: the session is gone on the server too.
    await Promise.all([page.waitForURL(/\/panel\/sign-in\?done=signed-out$/), page.getByRole('button', { name: 'Sign out' }).click()]);
    await page.getByRole('status').filter({ hasText: 'You are signed out.' }).waitFor();
    await page.goto(`${t.url}/panel`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await sql(t.databaseUrl, 'SELECT 1 FROM panel_sessions WHERE customer_id = $1', [ids.customer])).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('refuses the sign-in from outside the allowlisted network, and says why (German)', async () => {
    if (!browser) return skipNote();
    // Independent of the invite above: the admin sets the password.
    await t.admin().post(`/api/customers/${ids.customer}/panel-password`).send({ password: PANEL_PASSWORD }).expect(200);
    const { context, page, errors } = await open(ELSEWHERE, 'de-DE');
    await page.goto(`${t.url}/panel`);
    await page.getByRole('heading', { name: 'Anmelden' }).waitFor();
    await page.getByLabel('E-Mail').fill('erika@example.org');
    await page.getByLabel('Passwort').fill(PANEL_PASSWORD);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('heading', { name: 'Nicht aus diesem Netz' }).waitFor();
    await page
      .getByRole('alert')
      .filter({ hasText: `Ihre Adresse ${ELSEWHERE} liegt in keinem davon` })
      .waitFor();
    await screenshot(page, 'allowlist');
    expect(await context.cookies()).not.toContainEqual(expect.objectContaining({ name: 'panel_session' }));
    // 403 for the refused sign-in is a "failed load" the page shows on purpose.
    expect(errors.filter((e) => !/403/.test(e))).toEqual([]);
    await context.close();
  });
});
