import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startupSummary } from '../apps/api/src/startup/startup-summary';
import { buildIfNeeded, BuiltApi, ROOT, startBuiltApi } from './support/built-api';
import { readRepoFile } from './support/config-vars';
import { requireFreeRadius, reservePort } from './support/freeradius';
import { createTestDatabase } from './support/test-db';

/** The ```sh / ``` blocks of a markdown section, in order. */
function codeBlocks(markdown: string, heading: string): string[] {
  const section = markdown.slice(markdown.indexOf(heading));
  const until = section.slice(heading.length).search(/^## /m);
  const body = until < 0 ? section : section.slice(0, heading.length + until);
  return [...body.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => m[2]);
}

/** Replaces `from` (which must occur) in a README snippet: the only change this test makes to it. */
function swap(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`the README snippet no longer contains "${from}"; update this test with it`);
  return text.split(from).join(to);
}

/**
 * The README's quick start, run as written: `npm start`, the `npm run radius` command the
 * start-up block prints, and the hand-made first login with curl and radtest. The only
 * changes are ports (tests never take the well-known ones) and a test database.
 */
describe('README quick start, word for word', () => {
  const readme = readRepoFile('README.md');
  const blocks = codeBlocks(readme, '## Quick start');
  let api: BuiltApi;
  let radius: ChildProcess | undefined;
  let radiusOut = '';
  const cwd = mkdtempSync(join(tmpdir(), 'aaa-readme-'));
  const dataDir = join(cwd, 'data');
  const authPort = reservePort();

  beforeAll(async () => {
    requireFreeRadius();
    buildIfNeeded();
    mkdirSync(dataDir);
    api = await startBuiltApi({
      DATA_DIR: dataDir,
      DATABASE_URL: await createTestDatabase(),
      LOG_FORMAT: 'pretty',
      RADIUS_ANSWER_CACHE_CONTROL: `127.0.0.1:${reservePort()}`,
    });
    // Exactly what the block says to run, on private RADIUS ports.
    const command = /^ {2}FreeRADIUS {2}(.*)$/m.exec(api.output())![1];
    expect(command).toMatch(/^DATA_DIR=\S+ API_URL=http:\/\/127\.0\.0\.1:\d+ RADIUS_CONTROL_PORT=\d+ npm run radius$/);
    radius = spawn('sh', ['-c', command], {
      cwd: ROOT,
      detached: true, // its own process group: npm, bash and freeradius stop together
      env: {
        PATH: process.env.PATH,
        RADIUS_AUTH_PORT: String(authPort),
        RADIUS_ACCT_PORT: String(reservePort()),
        RADIUS_BIND: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`FreeRADIUS did not become ready:\n${radiusOut}`)), 60_000);
      const onData = (d: Buffer) => {
        radiusOut += d;
        if (!radiusOut.includes('Ready to process requests')) return;
        clearTimeout(timer);
        done();
      };
      radius!.stdout!.on('data', onData);
      radius!.stderr!.on('data', onData);
      radius!.once('exit', (code) => (clearTimeout(timer), fail(new Error(`npm run radius exited ${code}:\n${radiusOut}`))));
    });
  }, 240_000);

  afterAll(async () => {
    if (radius?.pid && radius.exitCode === null) {
      const exited = new Promise((done) => radius!.once('exit', done));
      process.kill(-radius.pid, 'SIGTERM');
      await exited;
    }
    await api?.stop();
  });

  it('shows the start-up block npm start really prints', () => {
    const shown = blocks.find((b) => b.startsWith('API listening on'))!;
    const real = startupSummary({
      host: '0.0.0.0',
      port: 3000,
      radiusApiUrl: 'http://127.0.0.1:3001',
      dataDir: '/home/you/radius-backend/data',
      defaultDataDir: '/home/you/radius-backend/data',
      adminTokenFile: '/home/you/radius-backend/data/admin-token',
      adminTokenCreated: true,
      radiusTokenFromEnv: false,
      answerCacheControl: [{ host: '127.0.0.1', port: 18121 }],
      docsEnabled: true,
      metricsProtected: false,
    });
    expect(shown.trimEnd().split('\n')).toEqual(real.lines.filter(Boolean));
  });

  it('lists npm ci && npm start, npm run radius and npm run demo', () => {
    expect(blocks[0].trim()).toBe('npm ci && npm start');
    expect(blocks.some((b) => /^npm run radius\b/m.test(b))).toBe(true);
    expect(blocks.some((b) => b.trim() === 'npm run demo')).toBe(true);
  });

  it('the hand-made first login ends with Access-Accept', async () => {
    let script = blocks.find((b) => b.startsWith('TOKEN=$(cat data/admin-token)'))!;
    script = swap(script, 'localhost:3000', `127.0.0.1:${api.port}`);
    script = swap(script, 'radtest alice s3cret-pw 127.0.0.1 0', `radtest alice s3cret-pw 127.0.0.1:${authPort} 0`);
    const out = await new Promise<string>((done) => {
      const p = spawn('bash', ['-e', '-c', script], { cwd, env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      p.stdout.on('data', (d) => (text += d));
      p.stderr.on('data', (d) => (text += d));
      p.on('close', (code) => done(`${text}\nexit ${code}`));
    });
    expect(out).toContain('Received Access-Accept');
    expect(out).toMatch(/exit 0$/);
  });
});
