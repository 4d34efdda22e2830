import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inEphemeralRange } from '../apps/api/src/database/free-port';
import { ApiProcess, spawnApi } from './support/api-spawn';
import { buildIfNeeded } from './support/built-api';
import { waitFor } from './support/rpc-helpers';

/**
 * The real API process with its embedded PostgreSQL, as `npm start` runs it: instances
 * side by side, port clashes, and starting again after crashes.
 */
const running = new Set<ApiProcess>();

async function start(dataDir: string, env: Record<string, string> = {}): Promise<ApiProcess> {
  const api = await spawnApi(dataDir, env);
  running.add(api);
  void api.exited.then(() => running.delete(api));
  return api;
}

function dataDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o711);
  return dir;
}

function adminToken(dir: string): string {
  return readFileSync(join(dir, 'admin-token'), 'utf8').trim();
}

function postmasterPid(dir: string): number {
  return Number(readFileSync(join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie (killed, not yet reaped) is dead for our purpose.
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Children of `pid`, from /proc (field 4 of stat is the parent). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

async function createCustomer(api: ApiProcess, dir: string, name: string): Promise<string> {
  const res = await fetch(`${api.url}/api/customers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken(dir)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function customerName(api: ApiProcess, dir: string, id: string): Promise<string> {
  const res = await fetch(`${api.url}/api/customers/${id}`, { headers: { authorization: `Bearer ${adminToken(dir)}` } });
  return ((await res.json()) as { name: string }).name;
}

/** Runs an instance that must fail to start; returns its stderr lines. */
async function failingStart(dir: string, env: Record<string, string>): Promise<string[]> {
  const api = await start(dir, env);
  const code = await api.exited;
  expect(code).toBe(1);
  return api.stderr().trim().split('\n');
}

beforeAll(() => buildIfNeeded(), 180_000);

afterAll(async () => {
  await Promise.all([...running].map((api) => api.stop('SIGKILL')));
});

describe('two instances with their own DATA_DIR, side by side', () => {
  let dirA: string;
  let a: ApiProcess;

  it('each picks and remembers its own embedded port, outside the ephemeral range', async () => {
    dirA = dataDir('aaa-twoA-');
    const dirB = dataDir('aaa-twoB-');
    // Neither sets EMBEDDED_PG_PORT: that is the point.
    [a] = await Promise.all([start(dirA), start(dirB)]).then(async (apis) => {
      await Promise.all(apis.map((api) => api.waitForHealth()));
      return apis;
    });
    const portA = Number(readFileSync(join(dirA, 'pg.port'), 'utf8'));
    const portB = Number(readFileSync(join(dirB, 'pg.port'), 'utf8'));
    expect(portA).not.toBe(portB);
    expect(inEphemeralRange(portA)).toBe(false);
    expect(inEphemeralRange(portB)).toBe(false);
    // The database password stays in its file.
    for (const [dir, api] of [
      [dirA, a],
      [dirB, [...running].find((x) => x !== a)!],
    ] as const) {
      const password = readFileSync(join(dir, 'pg.password'), 'utf8').trim();
      expect(api.stdout() + api.stderr()).not.toContain(password);
    }

    // B again, on the same remembered port.
    const b = [...running].find((api) => api !== a)!;
    await b.stop();
    const b2 = await start(dirB);
    await b2.waitForHealth();
    expect(Number(readFileSync(join(dirB, 'pg.port'), 'utf8'))).toBe(portB);
    await b2.stop();
  }, 180_000);

  it('a clash on PORT, RADIUS_API_PORT or EMBEDDED_PG_PORT is one line naming the variable, and leaves nothing running', async () => {
    const dirC = dataDir('aaa-clash-');
    const portA = readFileSync(join(dirA, 'pg.port'), 'utf8').trim();
    for (const [env, variable] of [
      [{ PORT: String(a.port) }, 'PORT'],
      [{ RADIUS_API_PORT: String(a.radiusPort) }, 'RADIUS_API_PORT'],
      [{ EMBEDDED_PG_PORT: portA }, 'EMBEDDED_PG_PORT'],
    ] as const) {
      const lines = await failingStart(dirC, env);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`already in use.*Set ${variable} to a free port`));
      // The embedded server it started was stopped before it exited.
      expect(existsSync(join(dirC, 'pg', 'postmaster.pid'))).toBe(false);
      expect(existsSync(join(dirC, 'pg.lock'))).toBe(false);
    }
    await a.waitForHealth();
  }, 180_000);

  it('a second instance on the same DATA_DIR is refused and leaves the running one alone', async () => {
    const lines = await failingStart(dirA, {});
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/in use by another running process \(PID \d+\).*own DATA_DIR/);
    await a.waitForHealth();
    await a.stop();
  }, 120_000);
});

describe('starting again after a crash', () => {
  let dir: string;
  let customer: string;

  beforeAll(() => {
    dir = dataDir('aaa-crash-');
  });

  it('SIGKILL of the API: its PostgreSQL stops with it, and `npm start` works again', async () => {
    const api = await start(dir);
    await api.waitForHealth();
    customer = await createCustomer(api, dir, 'survives crashes');
    const postmaster = postmasterPid(dir);
    await api.stop('SIGKILL');
    await waitFor(() => !alive(postmaster), 60_000, 'the embedded postmaster to stop after its API was killed');

    const again = await start(dir);
    await again.waitForHealth();
    expect(await customerName(again, dir, customer)).toBe('survives crashes');
    await again.stop('SIGKILL');
  }, 180_000);

  it('a postmaster left running (its watchdog killed too) is stopped cleanly on the next start', async () => {
    await waitFor(
      () => !existsSync(join(dir, 'pg', 'postmaster.pid')) || !alive(postmasterPid(dir)),
      60_000,
      'the previous server to stop',
    );
    const api = await start(dir);
    await api.waitForHealth();
    const postmaster = postmasterPid(dir);
    const watchdog = parentOf(postmaster);
    // The API, the watchdog shell and its stdin reader: everything but PostgreSQL, as a
    // `kill -9` of a process group or an older version of this project would leave it.
    for (const pid of [api.child.pid!, watchdog, ...childrenOf(watchdog).filter((p) => p !== postmaster)]) process.kill(pid, 'SIGKILL');
    await api.exited;
    expect(alive(postmaster)).toBe(true);

    const again = await start(dir);
    await again.waitForHealth();
    expect(alive(postmaster)).toBe(false);
    expect(again.stderr()).toMatch(/Stopped the PostgreSQL a previous run left running/);
    expect(await customerName(again, dir, customer)).toBe('survives crashes');
    await again.stop();
  }, 180_000);

  it('a postmaster.pid whose PID now belongs to an unrelated process does not block the start', async () => {
    const api = await start(dir);
    await api.waitForHealth();
    const pidFile = readFileSync(join(dir, 'pg', 'postmaster.pid'), 'utf8');
    await api.stop('SIGKILL');
    await waitFor(() => !existsSync(join(dir, 'pg', 'postmaster.pid')), 60_000, 'the server to stop');
    // As after a power cut: the lock file is back, and its PID was reused by something
    // else of the same user (PostgreSQL takes another user's PID, EPERM, for a stale one).
    const { uid, gid } = statSync(join(dir, 'pg'));
    const unrelated = spawn('sleep', ['300'], { stdio: 'ignore', uid, gid });
    try {
      writeFileSync(join(dir, 'pg', 'postmaster.pid'), pidFile.replace(/^\d+/, String(unrelated.pid)));
      const again = await start(dir);
      await again.waitForHealth();
      expect(alive(unrelated.pid!)).toBe(true);
      expect(await customerName(again, dir, customer)).toBe('survives crashes');
      await again.stop();
    } finally {
      unrelated.kill('SIGKILL');
    }
  }, 180_000);

  it('PostgreSQL killed under a running API: /health 503, then 200 again without restarting the API', async () => {
    const api = await start(dir);
    await api.waitForHealth();
    process.kill(postmasterPid(dir), 'SIGKILL');
    await api.waitForHealth(503, 30_000);
    await api.waitForHealth(200, 60_000);
    expect(await customerName(api, dir, customer)).toBe('survives crashes');
    expect(api.stderr()).toMatch(/exited unexpectedly/);
    await api.stop();
  }, 180_000);
});
