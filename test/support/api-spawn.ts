import { ChildProcess, spawn } from 'node:child_process';
import { freePortOutsideEphemeral } from '../../apps/api/src/database/free-port';
import { ROOT } from './built-api';

export interface ApiProcess {
  child: ChildProcess;
  url: string;
  port: number;
  radiusPort: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal) once the process has exited. */
  exited: Promise<number | NodeJS.Signals>;
  /** Polls /health until it answers `status`. */
  waitForHealth(status?: number, ms?: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals>;
}

/** The real API (`node dist/apps/api/src/main.js`), as `npm start` runs it, with its own DATA_DIR. */
export async function spawnApi(dataDir: string, env: Record<string, string> = {}): Promise<ApiProcess> {
  const port = Number(env.PORT ?? (await freePortOutsideEphemeral()));
  const radiusPort = Number(env.RADIUS_API_PORT ?? (await freePortOutsideEphemeral()));
  const child = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      RADIUS_ANSWER_CACHE_CONTROL: '',
      LOG_LEVEL: 'info',
      ...env,
      PORT: String(port),
      RADIUS_API_PORT: String(radiusPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | NodeJS.Signals>((done) => child.once('exit', (code, signal) => done(code ?? signal!)));
  const url = `http://127.0.0.1:${port}`;
  let gone = false;
  void exited.then(() => (gone = true));
  return {
    child,
    url,
    port,
    radiusPort,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForHealth: async (status = 200, ms = 90_000) => {
      const deadline = Date.now() + ms;
      for (;;) {
        if (gone) throw new Error(`API exited before /health answered ${status}:\n${err}\n${out.slice(-3000)}`);
        try {
          const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(3000) });
          if (res.status === status) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`/health did not answer ${status} within ${ms} ms:\n${err}\n${out.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop: (signal: NodeJS.Signals = 'SIGTERM') => {
      if (!gone) child.kill(signal);
      return exited;
    },
  };
}
