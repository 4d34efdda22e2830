import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { freePort } from '../apps/api/src/database/free-port';
import { buildIfNeeded, BuiltApi, startBuiltApi } from './support/built-api';
import { createTestDatabase } from './support/test-db';

/** What an operator sees on stdout when the built API starts (`npm start`), per log format. */
describe('start-up output and log format', () => {
  beforeAll(() => buildIfNeeded(), 180_000);

  const dataDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'aaa-startup-'));
    chmodSync(d, 0o755);
    return d;
  };

  /** Requests that put every kind of secret on the wire, so a careless log line would show one. */
  async function exercise(api: BuiltApi, dir: string): Promise<string[]> {
    const admin = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
    const radius = readFileSync(join(dir, 'radius-api-token'), 'utf8').trim();
    const auth = { authorization: `Bearer ${admin}` };
    const c = await request(api.url).post('/api/customers').set(auth).send({ name: 'Log test' }).expect(201);
    await request(api.url)
      .post(`/api/customers/${c.body.id}/accounts`)
      .set(auth)
      .send({ username: 'logged', password: 'Pw-in-a-body-42', kind: 'vpn' })
      .expect(201);
    const r = await request(api.url)
      .post('/api/routers')
      .set(auth)
      .send({ name: 'r', vendor: 'uspot', nasIdentifier: 'log-r', nasIp: '127.0.0.61', uamSecret: 'uam-secret-in-body' })
      .expect(201);
    await request(api.url)
      .post('/radius/authorize?nas=127.0.0.61')
      .set('x-radius-token', radius)
      .send({ 'User-Name': 'logged', 'User-Password': 'Pw-in-a-body-42' })
      .expect(200);
    await request(api.url).get('/api/customers').set('authorization', 'Bearer a-wrong-token-0123456789').expect(401);
    return [admin, radius, 'Pw-in-a-body-42', 'uam-secret-in-body', r.body.radiusSecret, r.body.token, 'a-wrong-token-0123456789'];
  }

  it('LOG_FORMAT=pretty: readable lines and one short block; no secret, no route list', async () => {
    const dir = dataDir();
    const api = await startBuiltApi({ DATA_DIR: dir, DATABASE_URL: await createTestDatabase(), LOG_FORMAT: 'pretty' });
    try {
      const secrets = await exercise(api, dir);
      await api.stop(); // everything it wrote has arrived
      const out = api.output();
      const radiusUrl = /RADIUS listener on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1];
      // The block: URLs, where the admin token is, the exact FreeRADIUS command for this data dir.
      expect(out).toContain(`API listening on ${api.url}\n`);
      expect(out).toContain(`  Admin API   ${api.url}/api\n`);
      expect(out).toContain(`  Admin token in ${join(dir, 'admin-token')} (generated now)\n`);
      expect(out).toContain(`  Swagger UI  ${api.url}/docs\n`);
      expect(out).toContain(`  Portal      ${api.url}/portal\n`);
      expect(out).toContain(`  FreeRADIUS  DATA_DIR=${dir} API_URL=${radiusUrl} npm run radius\n`);
      // Log records: time, level, context, message.
      expect(out).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] INFO.*: \[RadiusListener\] RADIUS listener on /m);
      expect(out).toMatch(/^\[[\d\s:.-]+\] INFO.*: \[HTTP\] POST \/api\/customers 201 \d+ms$/m);
      expect(out).toMatch(/^\[[\d\s:.-]+\] INFO.*: \[HTTP\] GET \/api\/customers 401 \d+ms$/m);
      expect(out).not.toMatch(/^\{"level"/m);
      expect(out).not.toContain('Mapped {');
      expect(out).not.toContain('dependencies initialized');
      for (const secret of secrets) expect(out).not.toContain(secret);
    } finally {
      await api.stop();
    }
  });

  it('LOG_FORMAT=json: every line is a JSON record, the block is one of them; debug shows the routes', async () => {
    const dir = dataDir();
    const api = await startBuiltApi({ DATA_DIR: dir, DATABASE_URL: await createTestDatabase(), LOG_FORMAT: 'json', LOG_LEVEL: 'debug' });
    try {
      const secrets = await exercise(api, dir);
      await api.stop();
      const out = api.output();
      const records = out
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const ready = records.find((r) => r.context === 'Startup')!;
      expect(ready).toMatchObject({
        level: 30,
        msg: `API listening on ${api.url}`,
        api: `${api.url}/api`,
        adminTokenFile: join(dir, 'admin-token'),
        radiusCommand: expect.stringMatching(new RegExp(`^DATA_DIR=${dir} API_URL=http://127\\.0\\.0\\.1:\\d+ npm run radius$`)),
      });
      const mapped = records.filter((r) => String(r.msg).startsWith('Mapped {'));
      expect(mapped.length).toBeGreaterThan(10);
      expect(mapped.every((r) => r.level === 20)).toBe(true);
      expect(records.some((r) => r.msg === 'request completed' && (r.res as { statusCode: number }).statusCode === 401)).toBe(true);
      for (const secret of secrets) expect(out).not.toContain(secret);
    } finally {
      await api.stop();
    }
  });

  it('the start-up record is written whatever LOG_LEVEL says (supervisors and scripts wait for it)', async () => {
    const api = await startBuiltApi({
      DATA_DIR: dataDir(),
      DATABASE_URL: await createTestDatabase(),
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'silent',
    });
    await api.stop();
    const lines = api.output().split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ context: 'Startup', msg: `API listening on ${api.url}` });
  });

  it('LOG_FORMAT unset: readable on a terminal, JSON into a pipe', async () => {
    const dir = dataDir();
    const env = { DATA_DIR: dir, DATABASE_URL: await createTestDatabase(), ADMIN_TOKEN: 'env-admin-token-0123456789' };
    // script(1) gives the API a pseudo-terminal as stdout, as an operator's shell would.
    const tty = await startBuiltApi(
      { ...env, PORT: String(await freePort()) },
      { command: ['script', '-qfec', `${process.execPath} dist/apps/api/src/main.js`, '/dev/null'] },
    );
    try {
      expect(tty.output()).toMatch(/\] INFO.*: \[RadiusListener\]/);
      expect(tty.output()).toContain('Admin token from ADMIN_TOKEN');
      expect(tty.output()).not.toContain('env-admin-token-0123456789');
    } finally {
      await tty.stop();
    }
    const pipe = await startBuiltApi(env);
    try {
      // Log lines go through pino's asynchronous writer; the start-up record is written
      // synchronously, so it can come first: wait for the line rather than race it.
      for (let i = 0; i < 50 && !/"context":"RadiusListener"/.test(pipe.output()); i++) await new Promise((r) => setTimeout(r, 100));
      expect(pipe.output()).toMatch(/^\{"level":30,.*"context":"RadiusListener"/m);
    } finally {
      await pipe.stop();
    }
  });
});
