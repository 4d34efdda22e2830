import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PgBinaries, RunAs, serverEnv, tail } from './postgres-cluster';

/** The port was taken when the postmaster tried to listen on it. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`127.0.0.1:${port} is already in use by another process`);
  }
}

export interface RunningPostmaster {
  /** The postmaster's PID (not the watchdog shell's). */
  pid: number;
  /** Resolves when the server has exited, for whatever reason. */
  exited: Promise<void>;
  /** Fast shutdown, escalated if it does not finish in time. Safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * Runs the postmaster under a tiny shell watchdog that reads our stdin: when this
 * process dies, even by SIGKILL, the pipe closes and the watchdog asks PostgreSQL for
 * a fast shutdown, so the server dies with the API instead of lingering on its port and
 * its lock file. `detached`: a Ctrl-C in a terminal reaches only the API, which then
 * stops the server in order. (A leftover that survives anyway, e.g. after the whole
 * process group was killed, is stopped on the next start: see postgres-leftover.ts.)
 */
const WATCHDOG = [
  'exec 3<&0',
  '"$@" </dev/null &',
  'pg=$!',
  '(while read -r _ <&3; do :; done; kill -INT "$pg" 2>/dev/null) &',
  'watcher=$!',
  'wait "$pg"',
  'rc=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$rc"',
].join('\n');

/** Server settings forced on the command line, so nothing in postgresql.conf or ALTER SYSTEM can loosen them. */
function serverSettings(): string[] {
  const settings = {
    // TCP on the loopback only, and no Unix socket at all (it would be reachable by
    // every local user wherever it lives; the API connects by TCP with a password).
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    password_encryption: 'scram-sha-256',
    lc_messages: 'C',
    // The server's own log, under the data directory (0600), one file per weekday,
    // overwritten a week later: it keeps logging after the API that started it is gone.
    logging_collector: 'on',
    log_directory: 'log',
    log_filename: 'postgresql-%a.log',
    log_truncate_on_rotation: 'on',
    log_rotation_age: '1d',
    log_rotation_size: '0',
  };
  return Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
}

export async function startPostmaster(bin: PgBinaries, dataDir: string, port: number, runAs?: RunAs): Promise<RunningPostmaster> {
  const pidFile = join(dataDir, 'postmaster.pid');
  const stalePid = existsSync(pidFile) ? readFileSync(pidFile, 'utf8').split('\n')[0] : undefined;
  const child: ChildProcess = spawn(
    '/bin/sh',
    ['-c', WATCHDOG, 'pg-watchdog', bin.postgres, '-D', dataDir, '-p', String(port), ...serverSettings()],
    {
      ...runAs,
      cwd: '/',
      env: serverEnv(),
      detached: true,
      stdio: ['pipe', 'ignore', 'pipe'],
    },
  );
  const mark = logMark(dataDir);
  let early = '';
  child.stderr!.on('data', (d) => (early = (early + d).slice(-8000)));
  child.stdin!.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));

  const pid = await waitUntilReady(pidFile, stalePid, () => gone).catch((err: Error) => {
    if (!gone) process.kill(-child.pid!, 'SIGKILL');
    const log = `${early}${logSince(dataDir, mark)}`;
    if (/could not create any TCP\/IP sockets|Address already in use/.test(log)) throw new PortInUseError(port);
    throw new Error(`${err.message}\n${tail(log)}`);
  });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (gone) return;
      child.stdin!.end(); // the watchdog sends SIGINT: fast shutdown
      if (await within(exited, 60_000)) return;
      signal(pid, 'SIGQUIT'); // immediate shutdown: crash recovery on the next start, nothing committed is lost
      if (await within(exited, 10_000)) return;
      signal(-child.pid!, 'SIGKILL');
      await exited;
    })());
  return { pid, exited, stop };
}

async function waitUntilReady(pidFile: string, stalePid: string | undefined, gone: () => boolean): Promise<number> {
  // Crash recovery of a large cluster can take a while; the server says "starting" meanwhile.
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (gone()) throw new Error('PostgreSQL exited during start-up');
    if (Date.now() > deadline) throw new Error('PostgreSQL did not become ready within 5 minutes');
    // postmaster.pid: pid, data dir, start time, port, socket dir, listen address, shmem key, status.
    const lines = existsSync(pidFile) ? readFileSync(pidFile, 'utf8').split('\n') : [];
    if (lines[0] && lines[0] !== stalePid && lines[7]?.trim() === 'ready') return Number(lines[0]);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sizes of the server's log files now, so that a failed start reads only what it wrote itself. */
function logMark(dataDir: string): Map<string, number> {
  const dir = join(dataDir, 'log');
  const mark = new Map<string, number>();
  if (existsSync(dir)) for (const f of readdirSync(dir)) mark.set(f, statSync(join(dir, f)).size);
  return mark;
}

/** What the server logged since `mark`: where it explains a failed start once its logger runs. */
function logSince(dataDir: string, mark: Map<string, number>): string {
  const dir = join(dataDir, 'log');
  try {
    return readdirSync(dir)
      .map((f) =>
        readFileSync(join(dir, f))
          .subarray(mark.get(f) ?? 0)
          .toString('utf8'),
      )
      .join('');
  } catch {
    return '';
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

async function within(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = await Promise.race([p.then(() => true), timeout]);
  clearTimeout(timer);
  return done;
}
