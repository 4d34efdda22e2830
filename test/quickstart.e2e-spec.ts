import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { freePort } from '../apps/api/src/database/free-port';
import { buildIfNeeded } from './support/built-api';

const ROOT = resolve(__dirname, '..');

interface Running {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** `npm start` as a user runs it: built output, embedded PostgreSQL, generated tokens. */
async function start(dataDir: string, pgPort: number, env: Record<string, string> = {}): Promise<Running> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      EMBEDDED_PG_PORT: String(pgPort),
      RADIUS_API_PORT: '0',
      LOG_LEVEL: 'debug',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`API did not start:\n${out}`)), 60_000);
    child.stdout!.on('data', () => out.includes('API listening') && (clearTimeout(timer), done()));
    child.once('exit', (code) => (clearTimeout(timer), fail(new Error(`API exited ${code}:\n${out}`))));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    stop: () => new Promise((done) => (child.once('exit', () => done()), child.kill('SIGTERM'))),
  };
}

describe('quick start: npm start with embedded PostgreSQL', () => {
  beforeAll(() => {
    buildIfNeeded();
  }, 180_000);

  it('keeps data across a restart and never logs a password, secret or token', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aaa-quickstart-'));
    chmodSync(dataDir, 0o755);
    const pgPort = await freePort();
    const password = 'Sup3r-Secret-Pw!';

    const first = await start(dataDir, pgPort);
    const adminToken = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    const radiusToken = readFileSync(join(dataDir, 'radius-api-token'), 'utf8').trim();
    const auth = { authorization: `Bearer ${adminToken}` };
    const customer = await request(first.url).post('/api/customers').set(auth).send({ name: 'Persisted' }).expect(201);
    await request(first.url)
      .post(`/api/customers/${customer.body.id}/accounts`)
      .set(auth)
      .send({ username: 'persist', password, kind: 'vpn' })
      .expect(201);
    await request(first.url)
      .patch(`/api/accounts/${(await request(first.url).get('/api/accounts?username=persist').set(auth)).body.items[0].id}`)
      .set(auth)
      .send({ password })
      .expect(200);
    const router = await request(first.url)
      .post('/api/routers')
      .set(auth)
      .send({ name: 'r', vendor: 'uspot', nasIdentifier: 'qs', nasIp: '127.0.0.5', uamSecret: 'uam-secret-123' })
      .expect(201);
    await request(first.url)
      .post('/radius/authorize?nas=127.0.0.5')
      .set('x-radius-token', radiusToken)
      .send({ 'User-Name': 'persist', 'User-Password': password })
      .expect(200);
    await request(first.url).post('/api/customers').set(auth).send({ name: password }).expect(201); // a password-like value in a body
    await first.stop();

    const second = await start(dataDir, pgPort);
    const again = await request(second.url).get(`/api/customers/${customer.body.id}`).set(auth).expect(200);
    expect(again.body.name).toBe('Persisted');
    await request(second.url).get('/api/accounts?username=persist').set(auth).expect(200);
    await second.stop();

    const logs = first.output() + second.output();
    // Where the generated admin token is stored is printed, never the token: stdout ends up in log files.
    expect(first.output()).toContain(`"adminTokenFile":"${join(dataDir, 'admin-token')}","adminTokenGenerated":true`);
    expect(second.output()).toContain(`"adminTokenFile":"${join(dataDir, 'admin-token')}"`);
    expect(second.output()).not.toContain('adminTokenGenerated');
    for (const secret of [adminToken, password, radiusToken, router.body.radiusSecret, router.body.token, 'uam-secret-123']) {
      expect(logs).not.toContain(secret);
    }
    expect(logs).toContain('request completed');
  }, 180_000);

  it('refuses to start on invalid configuration, naming each bad variable', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aaa-badcfg-'));
    let out = '';
    try {
      execFileSync(process.execPath, ['dist/apps/api/src/main.js'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: 'eighty', DATABASE_URL: 'mysql://x', ADMIN_TOKEN: 'short' },
        stdio: 'pipe',
      });
    } catch (err) {
      out = String((err as { stderr: Buffer }).stderr);
    }
    expect(out).toMatch(/Invalid configuration/);
    expect(out).toMatch(/PORT/);
    expect(out).toMatch(/DATABASE_URL must be a postgres/);
    expect(out).toMatch(/ADMIN_TOKEN must be at least 16 characters/);
  });
});
