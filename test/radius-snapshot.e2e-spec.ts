import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RouterSnapshotWriter } from '@app/aaa';
import { attrLines, FreeRadius, radclient, startFreeRadius } from './support/freeradius';
import { replySignature } from './support/message-authenticator';
import { accessRequest } from './support/nas-client';
import { sql, withDatabaseDown } from './support/test-db';
import { RADIUS_TOKEN, startTestApp, TestApp } from './support/test-app';

const KNOWN = '127.0.4.1';
const LATER = '127.0.4.2';

/**
 * Issue 12 §7: a FreeRADIUS restarted while the API is down still knows the routers,
 * from the snapshot the API keeps in DATA_DIR/radius-snapshot/routers
 * (radius/snapshot, mods-available/aaa_router_snapshot).
 */
describe('router snapshot: FreeRADIUS restarted during an API outage', () => {
  let t: TestApp;
  let fr: FreeRadius;
  let secret: string;
  let snapshotDir: string;
  const file = () => join(snapshotDir, 'routers');
  const settled = () => t.app.get(RouterSnapshotWriter).settled();

  beforeAll(async () => {
    t = await startTestApp();
    snapshotDir = join(t.config.dataDir, 'radius-snapshot');
    const router = await t
      .admin()
      .post('/api/routers')
      .send({ name: 'known', vendor: 'mikrotik', nasIdentifier: 'known', nasIp: KNOWN })
      .expect(201);
    secret = router.body.radiusSecret;
    const customer = (await t.admin().post('/api/customers').send({ name: 'Snapshot' }).expect(201)).body.id;
    await t
      .admin()
      .post(`/api/customers/${customer}/accounts`)
      .send({ username: 'snap', password: 'snap-pw', kind: 'hotspot' })
      .expect(201);
    await settled();
    fr = await startFreeRadius(t.radiusUrl, RADIUS_TOKEN, { RADIUS_SNAPSHOT_DIR: snapshotDir });
  }, 90_000);

  afterAll(async () => {
    await fr?.stop();
    await t?.close();
  });

  it('is written 0600 in a 0700 directory, and follows router changes', async () => {
    expect(statSync(snapshotDir).mode & 0o777).toBe(0o700);
    expect(statSync(file()).mode & 0o777).toBe(0o600);
    expect(readFileSync(file(), 'utf8')).toMatch(
      new RegExp(`^${KNOWN.replace(/\./g, '\\.')}\\|${KNOWN.replace(/\./g, '\\.')}\\|\\|[0-9a-f-]{36}\\|mikrotik\\|1\\|`, 'm'),
    );
    const later = await t
      .admin()
      .post('/api/routers')
      .send({ name: 'later', vendor: 'uspot', nasIdentifier: 'later', nasIp: LATER })
      .expect(201);
    await settled();
    expect(readFileSync(file(), 'utf8')).toContain(`${LATER}|${LATER}||${later.body.id}|uspot|1|${later.body.radiusSecret}\n`);
    await t.admin().patch(`/api/routers/${later.body.id}`).send({ requireMessageAuthenticator: false }).expect(200);
    await settled();
    expect(readFileSync(file(), 'utf8')).toContain(`|uspot|0|`);
    await t.admin().delete(`/api/routers/${later.body.id}`).expect(204);
    await settled();
    expect(readFileSync(file(), 'utf8')).not.toContain(LATER);
  });

  it('keeps the last good snapshot while the database is down', async () => {
    const before = readFileSync(file(), 'utf8');
    await withDatabaseDown(t.databaseUrl, async () => {
      t.app.get(RouterSnapshotWriter).onRouterChanged();
      await settled();
      expect(readFileSync(file(), 'utf8')).toBe(before);
    });
  });

  it('after a restart with the API down, acknowledges accounting from a known router and stores it once the API is back', async () => {
    const { port: apiPort } = new URL(t.url);
    const { port: radiusPort } = new URL(t.radiusUrl);
    const db = t.databaseUrl;
    const dataDir = t.config.dataDir;
    await t.close();
    // Restarted: same DATA_DIR (spool), same ports; it has never talked to the API.
    await fr.stop();
    fr = await startFreeRadius(t.radiusUrl, RADIUS_TOKEN, {
      DATA_DIR: fr.dataDir,
      RADIUS_AUTH_PORT: String(fr.authPort),
      RADIUS_ACCT_PORT: String(fr.acctPort),
      RADIUS_CONTROL_PORT: String(fr.controlPort),
      RADIUS_SNAPSHOT_DIR: snapshotDir,
    });

    const start = attrLines({
      'User-Name': 'snap',
      'Acct-Session-Id': 'after-restart',
      'Acct-Status-Type': 'Start',
      'NAS-Identifier': 'known',
      'Packet-Src-IP-Address': KNOWN,
    });
    const [ack] = await radclient(fr.acctPort, 'acct', secret, [start], { retries: 3, timeout: 3 });
    expect(ack?.code).toBe('Accounting-Response');
    // A router the snapshot does not know gets nothing, as before.
    const stranger = attrLines({
      'User-Name': 'snap',
      'Acct-Session-Id': 'x',
      'Acct-Status-Type': 'Start',
      'Packet-Src-IP-Address': '127.0.4.99',
    });
    expect(await radclient(fr.acctPort, 'acct', secret, [stranger], { retries: 1, timeout: 2 })).toEqual([]);
    // The snapshot carries the Message-Authenticator setting: still required, and the
    // reject (API unavailable, no admin) is signed.
    const login = (messageAuthenticator: boolean) =>
      accessRequest({
        port: fr.authPort,
        secret,
        srcIp: KNOWN,
        messageAuthenticator,
        timeoutMs: 3000,
        attributes: [
          ['User-Name', 'snap'],
          ['User-Password', 'snap-pw'],
        ],
      });
    expect(await login(false)).toBeUndefined();
    const reject = await login(true);
    expect(reject?.code).toBe('Access-Reject');
    expect(replySignature(reject!.request, reject!.raw, secret)).toEqual({ present: true, first: true, valid: true });

    expect(await sql(db, "SELECT 1 FROM sessions WHERE acct_session_id = 'after-restart'")).toEqual([]);
    t = await startTestApp({ PORT: apiPort, RADIUS_API_PORT: radiusPort, DATA_DIR: dataDir }, db);
    let stored: unknown[] = [];
    for (let i = 0; i < 60 && !stored.length; i++) {
      await new Promise((r) => setTimeout(r, 500));
      stored = await sql(db, "SELECT 1 FROM sessions WHERE acct_session_id = 'after-restart'");
    }
    expect(stored).toHaveLength(1);
  }, 90_000);
});
