import { randomUUID } from 'node:crypto';
import { PANEL_AUDIT, PanelAddressLimiter, PanelAuditEntry, PasswordHasher } from '@app/panel';
import { alertOf, csrfOf, PanelClient } from './support/panel-client';
import { radiusCall } from './support/rlm-rest';
import { TestNas } from './support/rpc-nas';
import { waitFor } from './support/rpc-helpers';
import { sql } from './support/test-db';
import { startTestApp, TestApp } from './support/test-app';

/** 127.0.0.2 is the reverse proxy this suite trusts; anything else is a browser talking to us directly. */
const PROXY = '127.0.0.2';
const NAS_IP = '127.0.4.1';
const SECRET = 'panel-nas-secret';
const OFFICE_NET = '203.0.113.0/24';
const INSIDE = '203.0.113.10';
const OUTSIDE = '198.51.100.9';
const PASSWORD = 'alice panel pass';

/**
 * The customer panel over HTTP against real PostgreSQL (and a UDP router for disconnects):
 * admin API for sign-ins, sign-in security (same answer, rate limit, lockout, CSRF,
 * cookies, server-side expiry), every query scoped by the customer, and B050's panel
 * allowlist with the client address taken from a trusted proxy's X-Forwarded-For.
 */
describe('customer panel (HTTP, real PostgreSQL)', () => {
  let t: TestApp;
  let nas: TestNas;
  let routerId: string;
  const ids: Record<string, string> = {};
  const audits: PanelAuditEntry[] = [];

  /** A browser behind the trusted proxy at `clientIp`. */
  const browser = (clientIp = INSIDE, headers: Record<string, string> = {}) =>
    new PanelClient(t.url, { localAddress: PROXY, headers: { 'x-forwarded-for': clientIp, ...headers } });
  const customer = async (name: string, email: string | null) =>
    (await t.admin().post('/api/customers').send({ name, email }).expect(201)).body.id as string;
  const account = async (customerId: string, username: string, extra: Record<string, unknown> = {}) =>
    (
      await t
        .admin()
        .post(`/api/customers/${customerId}/accounts`)
        .send({ username, password: 'device-pw-1', kind: 'vpn', maxSessions: 5, ...extra })
        .expect(201)
    ).body.id as string;
  const setPanelPassword = (customerId: string, password = PASSWORD, email?: string) =>
    t.admin().post(`/api/customers/${customerId}/panel-password`).send({ password, ...(email ? { email } : {}) });
  const openSession = async (username: string, sessionId: string, ip: string) => {
    await radiusCall(t.url, 'accounting', NAS_IP, {
      'User-Name': username,
      'Acct-Status-Type': 'Start',
      'Acct-Session-Id': sessionId,
      'Framed-IP-Address': ip,
      'Calling-Station-Id': '02-00-00-00-00-01',
    }).expect(204);
    nas.addSession({ 'User-Name': username, 'Acct-Session-Id': sessionId, 'Framed-IP-Address': ip });
    const [row] = await sql<{ id: string }>(t.databaseUrl, 'SELECT id FROM sessions WHERE acct_session_id = $1', [sessionId]);
    return row.id;
  };
  const sessionRow = async (id: string) =>
    (await sql<{ stopped_at: Date | null; terminate_cause: string | null }>(t.databaseUrl, 'SELECT stopped_at, terminate_cause FROM sessions WHERE id = $1', [id]))[0];
  const devicePasswordOk = async (username: string, password: string) =>
    (await radiusCall(t.url, 'authorize', NAS_IP, { 'User-Name': username, 'User-Password': password })).status === 200;

  beforeAll(async () => {
    t = await startTestApp({ TRUSTED_PROXIES: PROXY, RPC_TIMEOUT_MS: '1000' });
    // Cheaper scrypt for this suite's many sign-ins; the browser suite runs the production cost.
    t.app.get(PasswordHasher).params = { ln: 12, r: 8, p: 1 };
    const sink = t.app.get<{ record(e: PanelAuditEntry): void }>(PANEL_AUDIT);
    jest.spyOn(sink, 'record').mockImplementation((e) => void audits.push(e));
    nas = await new TestNas('routeros', SECRET, NAS_IP).start();
    routerId = (
      await t
        .admin()
        .post('/api/routers')
        .send({ name: 'Panel MT', vendor: 'mikrotik', nasIdentifier: 'panel-mt', nasIp: NAS_IP, coaPort: nas.port, radiusSecret: SECRET })
        .expect(201)
    ).body.id;
    ids.alice = await customer('Alice Example', 'Alice@Example.org');
    ids.aliceHome = await account(ids.alice, 'alice.home');
    ids.aliceOffice = await account(ids.alice, 'alice.office', { panelAllowlist: [OFFICE_NET] });
    ids.bob = await customer('Bob Other', 'bob@example.org');
    ids.bobPhone = await account(ids.bob, 'bob.phone');
    await setPanelPassword(ids.alice).expect(200);
    await setPanelPassword(ids.bob, 'bob panel pass').expect(200);
  }, 60_000);

  afterAll(async () => {
    await nas?.close();
    await t?.close();
  });

  beforeEach(() => t.app.get(PanelAddressLimiter).reset());

  describe('admin API', () => {
    it('sets a password with the customer’s email, reports the sign-in, and never returns the hash', async () => {
      const res = await t.admin().get(`/api/customers/${ids.alice}/panel`).expect(200);
      expect(res.body).toMatchObject({ customerId: ids.alice, enabled: true, email: 'alice@example.org', passwordSet: true, lockedUntil: null });
      expect(JSON.stringify(res.body)).not.toMatch(/scrypt|hash/i);
      const [row] = await sql<{ password_hash: string }>(t.databaseUrl, 'SELECT password_hash FROM panel_logins WHERE customer_id = $1', [ids.alice]);
      expect(row.password_hash).toMatch(/^\$scrypt\$ln=\d+,r=8,p=1\$/);
      expect(row.password_hash).not.toContain(PASSWORD);
    });

    it('refuses a short password, an email another customer signs in with, a customer without email, an unknown customer', async () => {
      expect((await setPanelPassword(ids.alice, 'short')).status).toBe(400);
      const clash = await setPanelPassword(ids.bob, 'bob panel pass', 'ALICE@example.org');
      expect(clash.status).toBe(409);
      expect(clash.body.message).toBe('Another customer signs in to the panel with this email');
      const noEmail = await customer('No Mail', null);
      expect((await setPanelPassword(noEmail)).body.message).toMatch(/no email usable for sign-in/);
      expect((await setPanelPassword(noEmail, PASSWORD, 'nomail@example.org')).status).toBe(200);
      expect((await setPanelPassword(randomUUID())).status).toBe(404);
      expect((await t.admin().get(`/api/customers/${randomUUID()}/panel`)).status).toBe(404);
    });

    it('an invite link sets the password once; a newer invite voids the older one', async () => {
      const carol = await customer('Carol Invite', 'carol@example.org');
      const first = (await t.admin().post(`/api/customers/${carol}/panel-invite`).send({}).expect(201)).body;
      const second = (await t.admin().post(`/api/customers/${carol}/panel-invite`).expect(201)).body;
      expect(second).toMatchObject({ email: 'carol@example.org', delivery: 'none', deliveryError: null });
      expect(second.url).toMatch(new RegExp(`^${t.url}/panel/invite\\?token=[A-Za-z0-9_-]{43}$`));
      const c = browser();
      expect((await c.get(new URL(first.url).pathname + new URL(first.url).search)).status).toBe(404);
      const path = new URL(second.url).pathname + new URL(second.url).search;
      const form = await c.get(path);
      expect(form.status).toBe(200);
      const token = new URL(second.url).searchParams.get('token')!;
      const mismatch = await c.post('/panel/invite', { csrf: csrfOf(form.html), token, password: 'carol panel pass', confirm: 'carol panel pasS' });
      expect([mismatch.status, alertOf(mismatch.html)]).toEqual([400, 'The two passwords differ.']);
      const set = await c.post('/panel/invite', { csrf: csrfOf(form.html), token, password: 'carol panel pass', confirm: 'carol panel pass' });
      expect([set.status, set.location]).toEqual([303, '/panel/sign-in?done=password-set']);
      expect((await c.get(path)).status).toBe(404);
      const again = await c.post('/panel/invite', { csrf: csrfOf(form.html), token, password: 'other panel pass', confirm: 'other panel pass' });
      expect(again.status).toBe(404);
      expect((await c.signIn('carol@example.org', 'carol panel pass')).location).toBe('/panel');
      expect((await t.admin().get(`/api/customers/${carol}/panel`).expect(200)).body).toMatchObject({ passwordSet: true, inviteExpiresAt: null });
    });

    it('revoking access signs the customer out everywhere and refuses the next sign-in', async () => {
      const dan = await customer('Dan Revoked', 'dan@example.org');
      await setPanelPassword(dan, 'dan panel pass').expect(200);
      const c = browser();
      await c.signIn('dan@example.org', 'dan panel pass');
      expect((await c.get('/panel')).status).toBe(200);
      expect((await t.admin().get(`/api/customers/${dan}/panel`)).body.activeSessions).toBe(1);
      await t.admin().delete(`/api/customers/${dan}/panel`).expect(204);
      expect((await c.get('/panel')).location).toBe('/panel/sign-in?done=ended');
      expect((await browser().signIn('dan@example.org', 'dan panel pass')).status).toBe(401);
    });
  });
});
