import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '../../apps/api/src/database/free-port';

export const ROOT = resolve(__dirname, '../..');

/** `npm start` builds first; suites that run the built entry points do the same once. */
export function buildIfNeeded(): void {
  execFileSync(process.execPath, ['scripts/build-if-needed.js'], { cwd: ROOT, stdio: 'ignore' });
}

export interface BuiltApi {
  url: string;
  port: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node dist/apps/api/src/main.js` (what `npm start` runs) with only the given
 * environment plus PATH, and waits for its start-up block. PORT and RADIUS_API_PORT are
 * free ports unless given.
 */
export async function startBuiltApi(env: Record<string, string>, opts: { command?: string[] } = {}): Promise<BuiltApi> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const fullEnv = { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', RADIUS_API_PORT: '0', ...env, PORT: String(port) };
  const [cmd, ...args] = opts.command ?? [process.execPath, 'dist/apps/api/src/main.js'];
  const child: ChildProcess = spawn(cmd, args, { cwd: ROOT, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ready = new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`API did not start:\n${out}`)), 90_000);
    const onData = (d: Buffer) => {
      out += d;
      if (!out.includes('API listening')) return;
      clearTimeout(timer);
      done();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => (clearTimeout(timer), fail(new Error(`API exited ${code}:\n${out}`))));
  });
  await ready;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    output: () => out,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
