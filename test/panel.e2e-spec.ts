import { randomUUID } from 'node:crypto';
import { PANEL_AUDIT, PanelAddressLimiter, PanelAuditEntry, PanelJanitor, PasswordHasher } from '@app/panel';
import { alertOf, csrfOf, PanelClient } from './support/panel-client';
import { radiusCall } from './support/rlm-rest';
import { TestNas } from './support/rpc-nas';
import { waitFor } from './support/rpc-helpers';
import { sql, withDatabaseDown } from './support/test-db';
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
    t
      .admin()
      .post(`/api/customers/${customerId}/panel-password`)
      .send({ password, ...(email ? { email } : {}) });
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
    (
      await sql<{ stopped_at: Date | null; terminate_cause: string | null }>(
        t.databaseUrl,
        'SELECT stopped_at, terminate_cause FROM sessions WHERE id = $1',
        [id],
      )
    )[0];
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
      expect(res.body).toMatchObject({
        customerId: ids.alice,
        enabled: true,
        email: 'alice@example.org',
        passwordSet: true,
        lockedUntil: null,
      });
      expect(JSON.stringify(res.body)).not.toMatch(/scrypt|hash/i);
      const [row] = await sql<{ password_hash: string }>(t.databaseUrl, 'SELECT password_hash FROM panel_logins WHERE customer_id = $1', [
        ids.alice,
      ]);
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
      const mismatch = await c.post('/panel/invite', {
        csrf: csrfOf(form.html),
        token,
        password: 'carol panel pass',
        confirm: 'carol panel pasS',
      });
      expect([mismatch.status, alertOf(mismatch.html)]).toEqual([400, 'The two passwords differ.']);
      const set = await c.post('/panel/invite', {
        csrf: csrfOf(form.html),
        token,
        password: 'carol panel pass',
        confirm: 'carol panel pass',
      });
      expect([set.status, set.location]).toEqual([303, '/panel/sign-in?done=password-set']);
      expect((await c.get(path)).status).toBe(404);
      const again = await c.post('/panel/invite', {
        csrf: csrfOf(form.html),
        token,
        password: 'other panel pass',
        confirm: 'other panel pass',
      });
      expect(again.status).toBe(404);
      expect((await c.signIn('carol@example.org', 'carol panel pass')).location).toBe('/panel');
      expect((await t.admin().get(`/api/customers/${carol}/panel`).expect(200)).body).toMatchObject({
        passwordSet: true,
        inviteExpiresAt: null,
      });
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

  describe('signing in', () => {
    it('sets an HttpOnly, SameSite=Lax session cookie for /panel, Secure when the browser came over TLS', async () => {
      const plain = browser();
      const res = await plain.signIn('alice@example.org', PASSWORD);
      expect([res.status, res.location]).toEqual([303, '/panel']);
      const cookie = res.setCookies.find((c) => c.startsWith('panel_session='))!;
      expect(cookie).toMatch(/^panel_session=[A-Za-z0-9_-]{43}; Path=\/panel; HttpOnly; SameSite=Lax$/);
      const tls = browser(INSIDE, { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'panel.example.net' });
      const secure = await tls.submit(
        '/panel/sign-in',
        '/panel/sign-in',
        { email: 'alice@example.org', password: PASSWORD },
        { origin: 'https://panel.example.net' },
      );
      expect(secure.setCookies.find((c) => c.startsWith('panel_session='))).toMatch(/; HttpOnly; SameSite=Lax; Secure$/);
      // Only the hash of the cookie's token is stored.
      const token = plain.cookies.get('panel_session')!;
      expect(await sql(t.databaseUrl, 'SELECT 1 FROM panel_sessions WHERE id_hash = $1', [token])).toEqual([]);
    });

    it('answers an unknown email exactly as a wrong password', async () => {
      const wrong = await browser().signIn('alice@example.org', 'not the password');
      const unknown = await browser().signIn('nobody@example.org', 'not the password');
      const shape = (r: { status: number; html: string; setCookies: string[] }) => ({
        status: r.status,
        alert: alertOf(r.html),
        page: r.html.replace(/value="[^"]*"/g, 'value=""'),
        cookies: r.setCookies.map((c) => c.replace(/=[^;]*/, '=')),
      });
      expect(shape(wrong)).toEqual(shape(unknown));
      expect(shape(wrong)).toMatchObject({ status: 401, alert: 'Sign-in failed. Check your email and password.' });
    });

    it('locks an email after 5 failures, known or not, with the same answer; an admin unlock lifts it', async () => {
      const erin = await customer('Erin Lockout', 'erin@example.org');
      await setPanelPassword(erin, 'erin panel pass').expect(200);
      for (const email of ['erin@example.org', 'ghost@example.org']) {
        const statuses: number[] = [];
        // Different addresses: the per-address limit is not what locks here.
        for (let i = 0; i < 5; i++) statuses.push((await browser(`192.0.2.${i + 1}`).signIn(email, 'wrong password')).status);
        expect(statuses).toEqual([401, 401, 401, 401, 429]);
      }
      const knownRight = await browser('192.0.2.50').signIn('ERIN@example.org', 'erin panel pass');
      const unknown = await browser('192.0.2.51').signIn('ghost@example.org', 'anything at all');
      for (const r of [knownRight, unknown]) {
        expect([r.status, alertOf(r.html)]).toEqual([429, 'Too many failed sign-ins. Try again in 15 minutes.']);
      }
      expect((await t.admin().get(`/api/customers/${erin}/panel`)).body.lockedUntil).not.toBeNull();
      await t.admin().post(`/api/customers/${erin}/panel-unlock`).expect(200);
      expect((await browser('192.0.2.52').signIn('erin@example.org', 'erin panel pass')).location).toBe('/panel');
      expect(audits.filter((a) => a.action === 'panel.sign_in' && a.outcome === 'locked').length).toBeGreaterThanOrEqual(4);
    });

    it('limits attempts per address: the 11th in a minute is refused, another address is not', async () => {
      const c = browser('192.0.2.77');
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await c.signIn(`rate${i}@example.org`, 'x')).status);
      expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
      expect(statuses[10]).toBe(429);
      // Bob has no allowlist: these addresses may sign him in.
      expect(alertOf((await c.signIn('bob@example.org', 'bob panel pass')).html)).toBe(
        'Too many attempts from your address. Wait a minute, then try again.',
      );
      expect((await browser('192.0.2.78').signIn('bob@example.org', 'bob panel pass')).location).toBe('/panel');
    });

    it('refuses a sign-in form without its token, from another origin, or from another browser (login CSRF)', async () => {
      const c = browser();
      const page = await c.get('/panel/sign-in');
      const form = { csrf: csrfOf(page.html), email: 'alice@example.org', password: PASSWORD };
      expect((await c.post('/panel/sign-in', { ...form, csrf: '' })).status).toBe(403);
      expect((await c.post('/panel/sign-in', form, { origin: 'https://evil.example' })).status).toBe(403);
      expect((await browser().post('/panel/sign-in', form)).status).toBe(403);
      expect((await c.post('/panel/sign-in', form)).location).toBe('/panel');
    });

    it('ends sessions on the server: sign-out, idle time, absolute end', async () => {
      const c = browser();
      await c.signIn('alice@example.org', PASSWORD);
      const overview = await c.get('/panel');
      const stolen = c.cookies.get('panel_session')!;
      const out = await c.post('/panel/sign-out', { csrf: csrfOf(overview.html) });
      expect([out.status, out.location]).toEqual([303, '/panel/sign-in?done=signed-out']);
      expect(out.setCookies).toContainEqual(expect.stringMatching(/^panel_session=; Path=\/panel; Max-Age=0/));
      const replay = browser();
      replay.cookies.set('panel_session', stolen);
      expect((await replay.get('/panel')).location).toBe('/panel/sign-in?done=ended');

      for (const column of ["last_seen_at = now() - interval '31 minutes'", "expires_at = now() - interval '1 second'"]) {
        const d = browser();
        await d.signIn('alice@example.org', PASSWORD);
        expect((await d.get('/panel')).status).toBe(200);
        await sql(t.databaseUrl, `UPDATE panel_sessions SET ${column} WHERE customer_id = $1`, [ids.alice]);
        expect((await d.get('/panel')).location).toBe('/panel/sign-in?done=ended');
        expect(alertOf((await d.get('/panel/sign-in?done=ended')).html)).toBe('Your session has ended. Please sign in again.');
      }
    });
  });

  describe('every query is scoped by the signed-in customer', () => {
    it('another customer’s connection, session and history are 404, like ids that do not exist, and nothing changes', async () => {
      const bobSession = await openSession('bob.phone', 'bob-1', '10.9.0.2');
      const alice = browser();
      await alice.signIn('alice@example.org', PASSWORD);
      const csrf = csrfOf((await alice.get('/panel')).html);
      const requests = nas.requests.length;
      const tries = [
        await alice.get(`/panel/connections/${ids.bobPhone}`),
        await alice.get(`/panel/connections/${randomUUID()}`),
        await alice.get('/panel/connections/not-a-uuid'),
        await alice.get(`/panel/history?connection=${ids.bobPhone}`),
        await alice.post(`/panel/connections/${ids.bobPhone}/password`, { csrf, password: 'taken over!', confirm: 'taken over!' }),
        await alice.post(`/panel/sessions/${bobSession}/disconnect`, { csrf }),
        await alice.post(`/panel/sessions/${randomUUID()}/disconnect`, { csrf }),
        await alice.post("/panel/sessions/1' OR '1'='1/disconnect", { csrf }),
      ];
      expect(tries.map((r) => r.status)).toEqual([404, 404, 404, 404, 404, 404, 404, 404]);
      expect(new Set(tries.map((r) => alertOf(r.html)))).toEqual(new Set(['This page does not exist, or it is not yours.']));
      expect(nas.requests.length).toBe(requests);
      expect((await sessionRow(bobSession)).stopped_at).toBeNull();
      expect(await devicePasswordOk('bob.phone', 'device-pw-1')).toBe(true);
      const overview = (await alice.get('/panel')).html;
      expect(overview).toContain('alice.home');
      expect(overview).not.toContain('bob.phone');
      expect((await alice.get('/panel/history')).html).not.toContain('bob.phone');
    });
  });

  describe('B050 panel allowlist (client address from the trusted proxy’s X-Forwarded-For)', () => {
    it('refuses sign-in from outside every allowlist the customer has, with a page that says why', async () => {
      const outside = await browser(OUTSIDE).signIn('alice@example.org', PASSWORD);
      expect(outside.status).toBe(403);
      expect(outside.html).toContain('Not from this network');
      expect(outside.html).toContain(`your address ${OUTSIDE} is not in any of them`);
      expect(outside.setCookies.some((c) => c.startsWith('panel_session='))).toBe(false);
      expect((await browser(INSIDE).signIn('alice@example.org', PASSWORD)).location).toBe('/panel');
      expect(audits).toContainEqual(
        expect.objectContaining({ action: 'panel.sign_in', outcome: 'refused_allowlist', customerId: ids.alice, clientIp: OUTSIDE }),
      );
    });

    it('believes X-Forwarded-For only from the trusted proxy', async () => {
      const direct = new PanelClient(t.url, { headers: { 'x-forwarded-for': INSIDE } });
      const res = await direct.signIn('alice@example.org', PASSWORD);
      expect(res.status).toBe(403);
      expect(res.html).toContain('your address 127.0.0.1 is not in any of them');
    });

    it('a session opened inside does not work from outside', async () => {
      const c = browser(INSIDE);
      await c.signIn('alice@example.org', PASSWORD);
      c.headers['x-forwarded-for'] = OUTSIDE;
      const res = await c.get('/panel');
      expect(res.status).toBe(403);
      expect(res.html).toContain('Not from this network');
    });

    it('a connection with an allowlist is changed only from inside it; one without, from wherever the customer is', async () => {
      const fay = await customer('Fay Two Sites', 'fay@example.org');
      const office = await account(fay, 'fay.office', { panelAllowlist: [OFFICE_NET] });
      const lab = await account(fay, 'fay.lab', { panelAllowlist: ['198.51.100.0/24'] });
      const home = await account(fay, 'fay.home');
      await setPanelPassword(fay, 'fay panel pass').expect(200);
      const labSession = await openSession('fay.lab', 'fay-lab-1', '10.9.0.7');
      const c = browser(INSIDE);
      await c.signIn('fay@example.org', 'fay panel pass');
      const page = await c.get(`/panel/connections/${lab}`);
      expect(page.html).toContain('You are outside the networks this connection may be changed from (198.51.100.0/24)');
      expect(page.html).not.toContain('/password"');
      expect(page.html).not.toContain('/disconnect"');
      const csrf = csrfOf((await c.get('/panel')).html);
      const change = (id: string) =>
        c.post(`/panel/connections/${id}/password`, { csrf, password: 'new device pw', confirm: 'new device pw' });
      const refused = await change(lab);
      expect([refused.status, alertOf(refused.html)]).toEqual([
        403,
        'This connection can only be changed from the networks listed for it.',
      ]);
      expect(await devicePasswordOk('fay.lab', 'device-pw-1')).toBe(true);
      const requests = nas.requests.length;
      expect((await c.post(`/panel/sessions/${labSession}/disconnect`, { csrf })).status).toBe(403);
      expect(nas.requests.length).toBe(requests);
      expect((await sessionRow(labSession)).stopped_at).toBeNull();
      expect((await change(office)).location).toBe(`/panel/connections/${office}?done=password`);
      expect((await change(home)).location).toBe(`/panel/connections/${home}?done=password`);
      expect(await devicePasswordOk('fay.office', 'new device pw')).toBe(true);
      expect(audits).toContainEqual(
        expect.objectContaining({
          action: 'panel.device_password_changed',
          outcome: 'refused_allowlist',
          customerId: fay,
          target: { type: 'account', id: lab },
        }),
      );
    });
  });

  describe('managing a device', () => {
    it('changes a device password: the next login needs the new one; bad input is refused and changes nothing', async () => {
      const c = browser();
      await c.signIn('alice@example.org', PASSWORD);
      const page = await c.get(`/panel/connections/${ids.aliceHome}`);
      const csrf = csrfOf(page.html);
      const post = (form: Record<string, string>, headers: Record<string, string> = {}) =>
        c.post(`/panel/connections/${ids.aliceHome}/password`, { csrf, ...form }, headers);
      const short = await post({ password: 'short', confirm: 'short' });
      expect([short.status, alertOf(short.html)]).toEqual([400, 'Use at least 8 characters.']);
      expect((await post({ password: 'mismatch 1', confirm: 'mismatch 2' })).status).toBe(400);
      expect((await post({ password: 'cross origin 1', confirm: 'cross origin 1' }, { origin: 'https://evil.example' })).status).toBe(403);
      expect(
        (await c.post(`/panel/connections/${ids.aliceHome}/password`, { password: 'no token 12', confirm: 'no token 12' })).status,
      ).toBe(403);
      expect(await devicePasswordOk('alice.home', 'device-pw-1')).toBe(true);
      const done = await post({ password: 'home device pw', confirm: 'home device pw' });
      expect([done.status, done.location]).toEqual([303, `/panel/connections/${ids.aliceHome}?done=password`]);
      expect(alertOf((await c.get(done.location!)).html)).toBe('The password is changed. The device logs in with the new one from now on.');
      expect(await devicePasswordOk('alice.home', 'home device pw')).toBe(true);
      expect(await devicePasswordOk('alice.home', 'device-pw-1')).toBe(false);
      const entry = audits.find(
        (a) => a.action === 'panel.device_password_changed' && a.outcome === 'success' && a.target?.id === ids.aliceHome,
      );
      expect(entry).toMatchObject({ customerId: ids.alice, clientIp: INSIDE, detail: 'alice.home' });
      expect(JSON.stringify(audits)).not.toMatch(/home device pw|device-pw-1|alice panel pass/);
    });

    it('disconnects its own session through the router (RFC 5176), and says so when the router does not answer', async () => {
      const id = await openSession('alice.home', 'alice-1', '10.9.0.3');
      const c = browser();
      await c.signIn('alice@example.org', PASSWORD);
      const page = await c.get(`/panel/connections/${ids.aliceHome}`);
      expect(page.html).toContain(`/panel/sessions/${id}/disconnect`);
      const res = await c.post(`/panel/sessions/${id}/disconnect`, { csrf: csrfOf(page.html) });
      expect([res.status, res.location]).toEqual([303, `/panel/connections/${ids.aliceHome}?done=disconnected`]);
      expect(nas.requests.at(-1)!.attributes).toMatchObject({ 'User-Name': 'alice.home', 'Acct-Session-Id': 'alice-1' });
      expect(await sessionRow(id)).toMatchObject({ terminate_cause: 'Admin-Reset' });
      expect((await c.post(`/panel/sessions/${id}/disconnect`, { csrf: csrfOf(page.html) })).location).toBe(
        `/panel/connections/${ids.aliceHome}?done=already_ended`,
      );

      const quiet = await openSession('alice.home', 'alice-2', '10.9.0.4');
      nas.silent = true;
      try {
        const unreachable = await c.post(`/panel/sessions/${quiet}/disconnect`, { csrf: csrfOf(page.html) });
        expect([unreachable.status, alertOf(unreachable.html)]).toEqual([503, 'The router could not be reached. Please try again later.']);
        expect((await sessionRow(quiet)).stopped_at).toBeNull();
      } finally {
        nas.silent = false;
      }
      expect(audits).toContainEqual(
        expect.objectContaining({
          action: 'panel.session_disconnected',
          outcome: 'success',
          customerId: ids.alice,
          target: { type: 'session', id },
        }),
      );
    });
  });

  describe('history', () => {
    it('pages closed sessions (hot table and monthly history) and spreads each session’s bytes over the days it ran', async () => {
      const gus = await customer('Gus History', 'gus@example.org');
      const gusVpn = await account(gus, 'gus.vpn');
      await setPanelPassword(gus, 'gus panel pass').expect(200);
      // Yesterday 00:00 to today 00:00 in the panel's zone is one whole day: 6 GB, all on yesterday.
      // A session from the day before yesterday 12:00 to yesterday 12:00: 2 GB, half on each.
      await sql(
        t.databaseUrl,
        `WITH z AS (SELECT (now() AT TIME ZONE $3)::date AS today)
         INSERT INTO sessions (router_id, account_id, username, acct_session_id, started_at, last_seen_at, stopped_at, input_octets, output_octets)
         SELECT $1, $2, 'gus.vpn', 'gus-' || n, s, e, e, io, 0 FROM z, LATERAL (VALUES
           (1, ((today - 1)::timestamp AT TIME ZONE $3), (today::timestamp AT TIME ZONE $3), 6000000000::bigint),
           (2, ((today - 2)::timestamp AT TIME ZONE $3) + interval '12 hours', ((today - 1)::timestamp AT TIME ZONE $3) + interval '12 hours', 2000000000::bigint)
         ) v(n, s, e, io)`,
        [routerId, gusVpn, t.config.panelTimeZone],
      );
      // 23 more closed sessions, 40 days ago (outside the chart), some moved to the history partitions.
      await sql(
        t.databaseUrl,
        `INSERT INTO sessions (router_id, account_id, username, acct_session_id, started_at, last_seen_at, stopped_at, input_octets)
         SELECT $1, $2, 'gus.vpn', 'gus-old-' || n, now() - interval '40 days', now() - interval '40 days', now() - interval '40 days' + n * interval '1 minute', 1000
           FROM generate_series(1, 23) n`,
        [routerId, gusVpn],
      );
      await sql(t.databaseUrl, `SELECT aaa_archive_sessions(now() - interval '30 days', 1000)`);
      expect(
        (await sql<{ n: string }>(t.databaseUrl, `SELECT count(*) AS n FROM sessions_history WHERE account_id = $1`, [gusVpn]))[0].n,
      ).toBe('23');

      const c = browser();
      await c.signIn('gus@example.org', 'gus panel pass');
      const first = await c.get('/panel/history');
      const bars = [...first.html.matchAll(/data-day="([\d-]+)"\s+data-bytes="(\d+)"/g)].map(
        (m) => [m[1], Number(m[2])] as [string, number],
      );
      expect(bars).toHaveLength(30);
      const byDay = bars.map(([, b]) => b);
      expect(byDay.slice(-3)).toEqual([1_000_000_000, 7_000_000_000, 0]);
      expect(byDay.slice(0, -3).every((b) => b === 0)).toBe(true);
      expect(first.html).toMatch(/<svg\s+class="chart"/);
      expect(first.html).not.toMatch(/<script/i);
      const rows = (html: string) => (html.match(/<tr>\s*<td>gus\.vpn<\/td>/g) ?? []).length;
      expect(rows(first.html)).toBe(20);
      expect(first.html).toContain('Page 1 of 2');
      const second = await c.get('/panel/history?page=2');
      expect(rows(second.html)).toBe(5);
      expect(second.html).toContain('rel="prev"');
      // Past the end, or garbage: the nearest real page.
      expect(rows((await c.get('/panel/history?page=99')).html)).toBe(5);
      expect(rows((await c.get('/panel/history?page=abc')).html)).toBe(20);
      expect(rows((await c.get(`/panel/history?connection=${gusVpn}`)).html)).toBe(20);
    });
  });

  describe('pages', () => {
    it('speak German when asked (parameter, then cookie, then Accept-Language)', async () => {
      const c = browser(INSIDE, { 'accept-language': 'de-DE,de;q=0.9' });
      expect((await c.get('/panel/sign-in')).html).toContain('<h1>Anmelden</h1>');
      const en = await c.get('/panel/sign-in?lang=en');
      expect(en.html).toContain('<h1>Sign in</h1>');
      expect(en.setCookies).toContainEqual(expect.stringMatching(/^panel_lang=en; Path=\/panel; Max-Age=\d+; HttpOnly; SameSite=Lax$/));
      expect((await c.get('/panel/sign-in')).html).toContain('<h1>Sign in</h1>');
      const failed = await c.submit('/panel/sign-in?lang=de', '/panel/sign-in', { email: 'alice@example.org', password: 'falsch' });
      expect(alertOf(failed.html)).toBe('Anmeldung fehlgeschlagen. Bitte prüfen Sie E-Mail und Passwort.');
    });

    it('carry the security headers, load nothing from elsewhere, and survive hostile form input', async () => {
      const c = browser();
      await c.signIn('alice@example.org', PASSWORD);
      for (const path of [
        '/panel/sign-in',
        '/panel',
        `/panel/connections/${ids.aliceHome}`,
        '/panel/history',
        '/panel/nope',
        '/panel/assets/panel.css',
      ]) {
        const res = await c.get(path);
        expect(res.headers['content-security-policy']).toBe(
          "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        );
        expect(res.headers).toMatchObject({
          'x-frame-options': 'DENY',
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'same-origin',
        });
        for (const m of res.html.matchAll(/(?:src|href|action)="([^"]*)"/g)) expect(m[1]).toMatch(/^(\/panel|\?lang=|#)/);
      }
      const csrf = csrfOf((await c.get('/panel')).html);
      const sealed = () => sql(t.databaseUrl, 'SELECT password_enc FROM accounts WHERE id = $1', [ids.aliceHome]);
      const before = await sealed();
      const hostile = [
        await c.post('/panel/sign-in', { email: 'a\u0000b', password: 'x' }),
        await c.postRaw('/panel/sign-in', 'email=a&email=b&password=x'),
        await c.postRaw(`/panel/connections/${ids.aliceHome}/password`, `csrf=${csrf}&password=%ED%A0%80aaaaaaaa&confirm=x`),
        await c.postRaw('/panel/sign-in', '{"email":{"$ne":null}}', 'application/json'),
        await c.post(`/panel/connections/${ids.aliceHome}/password`, { csrf, password: 'a'.repeat(5000), confirm: 'a'.repeat(5000) }),
      ];
      expect(hostile.map((r) => r.status)).toEqual([403, 403, 400, 403, 400]);
      expect(await sealed()).toEqual(before);
    });
  });

  describe('outages', () => {
    it('answers a readable 503 page while the database is down, and signs in again once it is back', async () => {
      const c = browser();
      const form = await c.get('/panel/sign-in');
      await withDatabaseDown(t.databaseUrl, async () => {
        const res = await c.post('/panel/sign-in', { csrf: csrfOf(form.html), email: 'bob@example.org', password: 'bob panel pass' });
        expect(res.status).toBe(503);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.html).toContain('Temporarily unavailable');
        expect(res.html).not.toMatch(/at \w+ \(|QueryFailedError|ECONNREFUSED/);
      });
      // The pool reconnects with backoff: retry (each try would count against the address limit).
      await waitFor(
        async () => {
          t.app.get(PanelAddressLimiter).reset();
          return (await browser().signIn('bob@example.org', 'bob panel pass')).location === '/panel';
        },
        15_000,
        'sign-in after the outage',
      );
    });
  });

  describe('housekeeping', () => {
    it('deletes expired sessions, old invites and spent failure counts, and keeps what still counts', async () => {
      const hal = await customer('Hal Sweep', 'hal@example.org');
      const row = (key: string, failures: number, first: string, locked: string | null) =>
        sql(
          t.databaseUrl,
          `INSERT INTO panel_sign_in_failures (key, failures, first_failure_at, locked_until) VALUES ($1, $2, now() + $3::interval, now() + $4::interval)`,
          [key, failures, first, locked],
        );
      await sql(
        t.databaseUrl,
        `INSERT INTO panel_sessions (id_hash, customer_id, expires_at) VALUES ('gone', $1, now() - interval '1 minute'), ('live', $1, now() + interval '1 hour')`,
        [hal],
      );
      await sql(
        t.databaseUrl,
        `INSERT INTO panel_invites (token_hash, customer_id, expires_at, used_at) VALUES
           ('old-used', $1, now() + interval '1 day', now() - interval '8 days'), ('old-expired', $1, now() - interval '8 days', NULL),
           ('fresh', $1, now() + interval '1 day', NULL)`,
        [hal],
      );
      await row('spent', 3, '-20 minutes', null);
      await row('lock-over', 5, '-40 minutes', '-1 minute');
      await row('counting', 2, '-5 minutes', null);
      await row('locked', 5, '-20 minutes', '10 minutes');
      await t.app.get(PanelJanitor).sweep();
      const left = async (table: string, column: string) =>
        (
          await sql<{ k: string }>(t.databaseUrl, `SELECT ${column} AS k FROM ${table} WHERE ${column} = ANY($1) ORDER BY 1`, [
            ['gone', 'live', 'old-used', 'old-expired', 'fresh', 'spent', 'lock-over', 'counting', 'locked'],
          ])
        ).map((r) => r.k);
      expect(await left('panel_sessions', 'id_hash')).toEqual(['live']);
      expect(await left('panel_invites', 'token_hash')).toEqual(['fresh']);
      expect(await left('panel_sign_in_failures', 'key')).toEqual(['counting', 'locked']);
    });
  });

  it('writes panel actions to the append-only audit log, the customer as actor', async () => {
    // The suite's spy stands in for the sink above; here the real adapter onto AuditLog.
    const real = t.app.get<{ record(e: PanelAuditEntry): Promise<void> }>(PANEL_AUDIT);
    (real.record as jest.Mock).mockRestore?.();
    const c = browser();
    expect((await c.signIn('alice@example.org', PASSWORD)).location).toBe('/panel');
    const rows = await sql<{ actor_type: string; customer_id: string; action: string; outcome: string; source_ip: string }>(
      t.databaseUrl,
      `SELECT actor_type, customer_id, action, outcome, host(source_ip) AS source_ip FROM audit_log
        WHERE action = 'panel.sign_in' AND customer_id = $1 ORDER BY at DESC LIMIT 1`,
      [ids.alice],
    );
    expect(rows).toEqual([{ actor_type: 'customer', customer_id: ids.alice, action: 'panel.sign_in', outcome: 'ok', source_ip: INSIDE }]);
  });
});
