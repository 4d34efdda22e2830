import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../apps/api/src/database/free-port';
import { ADMIN_TOKEN, RADIUS_TOKEN } from './test-app';
import { ROOT } from './built-api';

export interface ApiProcess {
  url: string;
  /** The RADIUS listener, for FreeRADIUS's API_URL. */
  radiusUrl: string;
  dataDir: string;
  pid: number;
  output(): string;
  /** SIGSTOP: the process keeps its sockets, the kernel keeps accepting, nothing answers. */
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

/**
 * The API as its own OS process (the built `npm start` entry point) on a test
 * database, for faults an in-process app cannot take: SIGSTOP, SIGKILL.
 * Ready once /health answers.
 */
export async function startApiProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<ApiProcess> {
  const port = await freePort();
  const radiusPort = await freePort();
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'aaa-api-proc-'));
  const child: ChildProcess = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      RADIUS_API_PORT: String(radiusPort),
      ADMIN_TOKEN,
      RADIUS_API_TOKEN: RADIUS_TOKEN,
      SECRET_KEY: '5e'.repeat(32),
      LOG_LEVEL: 'warn',
      RADIUS_ANSWER_CACHE_CONTROL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  let exited = false;
  child.once('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (exited) throw new Error(`API exited:\n${out}`);
    if (i > 600) throw new Error(`API did not answer /health:\n${out}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    radiusUrl: `http://127.0.0.1:${radiusPort}`,
    dataDir,
    pid: child.pid!,
    output: () => out,
    freeze: () => child.kill('SIGSTOP'),
    thaw: () => child.kill('SIGCONT'),
    stop: () =>
      new Promise((done) => {
        if (exited) return done();
        child.once('exit', () => done());
        child.kill('SIGCONT');
        child.kill('SIGTERM');
      }),
  };
}
