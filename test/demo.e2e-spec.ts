import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../apps/api/src/database/free-port';
import { buildIfNeeded, ROOT } from './support/built-api';
import { FreeRadius, requireFreeRadius, startFreeRadius } from './support/freeradius';
import { ADMIN_TOKEN, RADIUS_TOKEN, startTestApp, TestApp } from './support/test-app';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((done) => {
    const p = spawn(cmd, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** `npm run demo` as the README runs it, against the API configured by `env`. */
const demo = (env: Record<string, string>) => run('npm', ['run', '--silent', 'demo'], env);
const portOf = (t: TestApp) => new URL(t.url).port;

describe('npm run demo', () => {
  beforeAll(() => {
    requireFreeRadius();
    buildIfNeeded();
  }, 180_000);

  describe('on an empty database', () => {
    let t: TestApp;
    let fr: FreeRadius;
    let out: Run;
    // The admin token is found the way npm start keeps it: in DATA_DIR.
    const dataDir = mkdtempSync(join(tmpdir(), 'aaa-demo-'));

    beforeAll(async () => {
      t = await startTestApp({ DATA_DIR: dataDir, ADMIN_TOKEN: undefined as unknown as string });
      fr = await startFreeRadius(t.radiusUrl, RADIUS_TOKEN);
      out = await demo({ DATA_DIR: dataDir, PORT: portOf(t), HOST: '127.0.0.1', RADIUS_AUTH_PORT: String(fr.authPort) });
    }, 120_000);
    afterAll(async () => {
      await fr?.stop();
      await t?.close();
    });

    it('creates the records and prints what to try', () => {
      expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: '' });
      expect(out.stdout).toContain('Demo data created through');
      expect(out.stdout).toMatch(/vpn account {6}demo-vpn, password \w+, static IP 10\.99\.0\.2/);
    });

    it('its radtest commands get Access-Accept through real FreeRADIUS', async () => {
      const commands = out.stdout
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.startsWith('radtest '));
      expect(commands).toHaveLength(3);
      for (const command of commands) {
        const r = await run('sh', ['-c', command], {});
        expect({ command, accepted: r.stdout.includes('Received Access-Accept') }).toEqual({ command, accepted: true });
        if (command.startsWith('radtest demo-vpn')) expect(r.stdout).toMatch(/Framed-IP-Address = 10\.99\.0\.2/);
      }
    });

    it('its portal URL opens the login page for the demo router', async () => {
      const url = out.stdout
        .split('\n')
        .map((l) => l.trim())
        .find((l) => l.startsWith('http://') && l.includes('/portal?'))!;
      const res = await fetch(url.replace(/^http:\/\/[^/]+/, t.url));
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/<form[^>]+method="(get|post)"/i);
    });

    it('refuses to run a second time: the database has data now', async () => {
      const again = await demo({ DATA_DIR: dataDir, PORT: portOf(t), HOST: '127.0.0.1' });
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('already has data (1 router, 1 customer, 1 speed profile, 1 IP pool)');
      expect(again.stdout).toBe('');
      const routers = await t
        .admin()
        .get('/api/routers')
        .set('authorization', `Bearer ${readToken(dataDir)}`);
      expect(routers.body.total).toBe(1);
    });
  });

  it('refuses a database with any data, creating nothing', async () => {
    const t = await startTestApp();
    try {
      await t.admin().post('/api/customers').send({ name: 'Real customer' }).expect(201);
      const r = await demo({ ADMIN_TOKEN, PORT: portOf(t), HOST: '127.0.0.1', DATA_DIR: mkdtempSync(join(tmpdir(), 'aaa-demo-')) });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('already has data (1 customer)');
      expect((await t.admin().get('/api/routers')).body.total).toBe(0);
      expect((await t.admin().get('/api/speed-profiles')).body.total).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('says what is missing when there is no API or no admin token', async () => {
    const noToken = await demo({ DATA_DIR: mkdtempSync(join(tmpdir(), 'aaa-demo-')), PORT: String(await freePort()) });
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toMatch(/No admin token: ADMIN_TOKEN is unset and .*admin-token does not exist\. Start the API first/);

    const port = String(await freePort());
    const noApi = await demo({ ADMIN_TOKEN, PORT: port, HOST: '127.0.0.1' });
    expect(noApi.code).toBe(1);
    expect(noApi.stderr).toContain(`cannot reach the API at http://127.0.0.1:${port} (ECONNREFUSED): start it first (npm start)`);
  });
});

const readToken = (dataDir: string) => readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
