import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { attrLines, FreeRadius, radclient, requireFreeRadius, startFreeRadius } from './support/freeradius';
import { startTestApp, TestApp } from './support/test-app';

const RUN_SH = resolve(__dirname, '../freeradius/run.sh');

/** `npm run radius` as an operator runs it: no RADIUS_API_TOKEN in the environment. */
function runCheck(env: Record<string, string>) {
  const clean = { ...process.env };
  delete clean.RADIUS_API_TOKEN;
  return spawnSync('bash', [RUN_SH], { env: { ...clean, RADIUS_CHECK: '1', ...env }, encoding: 'utf8' });
}

describe('npm run radius finds its token in DATA_DIR', () => {
  beforeAll(() => requireFreeRadius());

  it('with neither RADIUS_API_TOKEN nor DATA_DIR/radius-api-token: a clear error naming both, non-zero exit', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aaa-notoken-'));
    const r = runCheck({ DATA_DIR: dataDir });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('RADIUS_API_TOKEN is unset');
    expect(r.stderr).toContain(`${dataDir}/radius-api-token does not exist`);
    expect(r.stderr).toContain(`DATA_DIR=${dataDir}`);
    expect(r.stdout).not.toContain('Configuration appears to be OK');
  });

  it('an empty token file is refused, not sent as an empty token', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aaa-emptytoken-'));
    writeFileSync(join(dataDir, 'radius-api-token'), '\n', { mode: 0o600 });
    const r = runCheck({ DATA_DIR: dataDir });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('radius-api-token is empty');
  });

  it('RADIUS_API_TOKEN alone (no file) is enough', () => {
    const r = runCheck({ DATA_DIR: mkdtempSync(join(tmpdir(), 'aaa-envtoken-')), RADIUS_API_TOKEN: 'env-token-0123456789' });
    expect(r.stderr + r.stdout).toContain('Configuration appears to be OK');
    expect(r.status).toBe(0);
  });

  describe('the API writes the token on first start, FreeRADIUS reads it from the same DATA_DIR', () => {
    let t: TestApp;
    let fr: FreeRadius;
    const dataDir = mkdtempSync(join(tmpdir(), 'aaa-sharedtoken-'));
    chmodSync(dataDir, 0o700);

    beforeAll(async () => {
      // No RADIUS_API_TOKEN anywhere: the API generates DATA_DIR/radius-api-token.
      t = await startTestApp({ DATA_DIR: dataDir, RADIUS_API_TOKEN: undefined as unknown as string });
      fr = await startFreeRadius(t.radiusUrl, '', { DATA_DIR: dataDir });
    }, 90_000);
    afterAll(async () => {
      await fr?.stop();
      await t?.close();
    });

    it('a login through FreeRADIUS gets Access-Accept (the API took its X-Radius-Token)', async () => {
      const router = await t
        .admin()
        .post('/api/routers')
        .send({ name: 'lab', vendor: 'mikrotik', nasIdentifier: 'tok-1', nasIp: '127.0.0.1' })
        .expect(201);
      const c = await t.admin().post('/api/customers').send({ name: 'Token' }).expect(201);
      await t.admin().post(`/api/customers/${c.body.id}/accounts`).send({ username: 'tok', password: 'tok-pw-1', kind: 'vpn' }).expect(201);
      const [reply] = await radclient(fr.authPort, 'auth', router.body.radiusSecret, [
        attrLines({ 'User-Name': 'tok', 'User-Password': 'tok-pw-1' }),
      ]);
      expect(reply?.code).toBe('Access-Accept');
      const [wrong] = await radclient(fr.authPort, 'auth', router.body.radiusSecret, [
        attrLines({ 'User-Name': 'tok', 'User-Password': 'not-it' }),
      ]);
      expect(wrong?.code).toBe('Access-Reject');
    });
  });
});
