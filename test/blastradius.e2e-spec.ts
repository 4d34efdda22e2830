import { execFile } from 'node:child_process';
import { DataSource } from 'typeorm';
import { attrLines, FreeRadius, radclient, startFreeRadius } from './support/freeradius';
import { replySignature } from './support/message-authenticator';
import { accessRequest, NasReply } from './support/nas-client';
import { sql } from './support/test-db';
import { RADIUS_TOKEN, startTestApp, TestApp } from './support/test-app';

/**
 * BlastRADIUS (CVE-2024-3596) through the real FreeRADIUS 3.2.1 with the project's
 * overlay: routers require Message-Authenticator on Access-Requests by default, and
 * every Access-Accept/Reject carries a valid one, first. The signatures are checked
 * here from RFC 3579 over the raw reply (support/message-authenticator.ts).
 */
describe('BlastRADIUS: Message-Authenticator required and always sent', () => {
  let t: TestApp;
  let fr: FreeRadius;
  const STRICT = '127.0.2.1';
  const LEGACY = '127.0.2.2';
  let strictSecret: string;
  let legacySecret: string;
  let strictId: string;

  beforeAll(async () => {
    t = await startTestApp();
    fr = await startFreeRadius(t.radiusUrl, RADIUS_TOKEN);
    const strict = await t
      .admin()
      .post('/api/routers')
      .send({ name: 'strict', vendor: 'mikrotik', nasIdentifier: 'strict', nasIp: STRICT });
    expect(strict.status).toBe(201);
    strictSecret = strict.body.radiusSecret;
    strictId = strict.body.id;
    const legacy = await t
      .admin()
      .post('/api/routers')
      .send({ name: 'legacy', vendor: 'uspot', nasIdentifier: 'legacy', nasIp: LEGACY, requireMessageAuthenticator: false });
    expect(legacy.status).toBe(201);
    legacySecret = legacy.body.radiusSecret;
    const customer = (await t.admin().post('/api/customers').send({ name: 'Mallory target' }).expect(201)).body.id;
    await t
      .admin()
      .post(`/api/customers/${customer}/accounts`)
      .send({ username: 'blast', password: 'blast-pw', kind: 'hotspot' })
      .expect(201);
  }, 90_000);

  afterAll(async () => {
    await fr?.stop();
    await t?.close();
  });

  const login = (srcIp: string, secret: string, password: string, messageAuthenticator = true) =>
    accessRequest({
      port: fr.authPort,
      secret,
      srcIp,
      attributes: [
        ['User-Name', 'blast'],
        ['User-Password', password],
        ['NAS-Identifier', srcIp === STRICT ? 'strict' : 'legacy'],
        ['Calling-Station-Id', '02:00:00:00:00:99'],
      ],
      messageAuthenticator,
      timeoutMs: 3000,
    });
  const signed = (r: NasReply | undefined, secret: string) => r && replySignature(r.request, r.raw, secret);

  describe('the router field', () => {
    it('is on for a new router unless turned off, and shows in the view', async () => {
      expect((await t.admin().get(`/api/routers/${strictId}`).expect(200)).body.requireMessageAuthenticator).toBe(true);
      const list = (await t.admin().get('/api/routers').expect(200)).body.items;
      expect(list.find((r: { name: string }) => r.name === 'legacy').requireMessageAuthenticator).toBe(false);
    });

    it('refuses anything but a boolean with a 400', async () => {
      for (const value of [null, 'yes', 1]) {
        const res = await t.admin().patch(`/api/routers/${strictId}`).send({ requireMessageAuthenticator: value });
        expect(res.status).toBe(400);
      }
      expect((await t.admin().get(`/api/routers/${strictId}`).expect(200)).body.requireMessageAuthenticator).toBe(true);
    });

    it('is handed to FreeRADIUS with the dynamic client (FreeRADIUS-Client-Require-MA)', async () => {
      const res = await fetch(`${t.radiusUrl}/radius/clients?ip=${STRICT}`, {
        method: 'POST',
        headers: { 'x-radius-token': RADIUS_TOKEN, 'content-type': 'application/json' },
        body: '{}',
      });
      const body = (await res.json()) as Record<string, unknown>;
      expect(body['control:FreeRADIUS-Client-Require-MA']).toEqual({ value: 'yes', do_xlat: false });
      expect(body['control:FreeRADIUS-Client-NAS-Type']).toEqual({ value: 'mikrotik', do_xlat: false });
    });
  });

  describe('through FreeRADIUS', () => {
    it('drops an Access-Request without Message-Authenticator from a router that requires it', async () => {
      // Teach FreeRADIUS the client first, so the drop is about the packet, not the lookup.
      expect((await login(STRICT, strictSecret, 'blast-pw'))?.code).toBe('Access-Accept');
      expect(await login(STRICT, strictSecret, 'blast-pw', false)).toBeUndefined();
      // radclient, the tool the issue names, without the attribute: no answer either.
      const plain = await radclient(
        fr.authPort,
        'auth',
        strictSecret,
        [attrLines({ 'User-Name': 'blast', 'User-Password': 'blast-pw', 'Packet-Src-IP-Address': STRICT })],
        {
          messageAuthenticator: false,
          retries: 1,
          timeout: 2,
        },
      );
      expect(plain).toEqual([]);
    });

    it('signs the Access-Accept, with Message-Authenticator first', async () => {
      const r = await login(STRICT, strictSecret, 'blast-pw');
      expect(r?.code).toBe('Access-Accept');
      expect(signed(r, strictSecret)).toEqual({ present: true, first: true, valid: true });
      // A signature under another secret does not verify: the check is real.
      expect(signed(r, legacySecret)?.valid).toBe(false);
    });

    it('signs the Access-Reject too', async () => {
      const r = await login(STRICT, strictSecret, 'wrong-pw');
      expect(r?.code).toBe('Access-Reject');
      expect(signed(r, strictSecret)).toEqual({ present: true, first: true, valid: true });
    });

    it('answers a router that does not require it, with or without, and still signs the reply', async () => {
      const without = await login(LEGACY, legacySecret, 'blast-pw', false);
      expect(without?.code).toBe('Access-Accept');
      expect(signed(without, legacySecret)).toEqual({ present: true, first: true, valid: true });
      const withIt = await login(LEGACY, legacySecret, 'wrong-pw');
      expect(withIt?.code).toBe('Access-Reject');
      expect(signed(withIt, legacySecret)).toEqual({ present: true, first: true, valid: true });
    });

    it('radclient (what radtest uses) sees the signed reply, Message-Authenticator first', async () => {
      const [r] = await radclient(fr.authPort, 'auth', strictSecret, [
        attrLines({ 'User-Name': 'blast', 'User-Password': 'blast-pw', 'Packet-Src-IP-Address': STRICT }),
      ]);
      expect(r?.code).toBe('Access-Accept');
      expect(r?.order[0]).toBe('Message-Authenticator');
    });

    it("the README's radtest command gets an Access-Accept from a router that requires it", async () => {
      // radtest in 3.2.1 adds "Message-Authenticator = 0x00" itself. Loopback source
      // 127.0.0.1 is not the router's address: define a router for it just here.
      const local = await t
        .admin()
        .post('/api/routers')
        .send({ name: 'local', vendor: 'mikrotik', nasIdentifier: 'local', nasIp: '127.0.0.1' })
        .expect(201);
      const out = await new Promise<string>((resolve) =>
        execFile('radtest', ['blast', 'blast-pw', `127.0.0.1:${fr.authPort}`, '0', local.body.radiusSecret], (_e, stdout, stderr) =>
          resolve(stdout + stderr),
        ),
      );
      expect(out).toMatch(/Received Access-Accept/);
      expect(out).toMatch(/Sent Access-Request[\s\S]*Message-Authenticator = 0x00/);
    });
  });

  describe('upgrade', () => {
    it('keeps routers that existed before the migration working as they did (off); new ones get it on', async () => {
      const db = t.app.get(DataSource);
      const last = async () => ((await db.query('SELECT name FROM migrations ORDER BY id DESC LIMIT 1')) as { name: string }[])[0].name;
      while ((await last()) !== 'RouterRequireMessageAuthenticator1764310000000') await db.undoLastMigration();
      await db.undoLastMigration();
      await db.runMigrations();
      const rows = await sql<{ name: string; require_message_authenticator: boolean }>(
        t.databaseUrl,
        'SELECT name, require_message_authenticator FROM routers ORDER BY name',
      );
      expect(rows.every((r) => r.require_message_authenticator === false)).toBe(true);
      const fresh = await t
        .admin()
        .post('/api/routers')
        .send({ name: 'after', vendor: 'generic', nasIdentifier: 'after', nasIp: '127.0.2.9' })
        .expect(201);
      expect(fresh.body.requireMessageAuthenticator).toBe(true);
    });
  });
});
