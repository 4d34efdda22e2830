import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDb, startEmbeddedPostgres } from '../apps/api/src/database/embedded-postgres';
import { freePortOutsideEphemeral } from '../apps/api/src/database/free-port';
import { pgBinaries } from '../apps/api/src/database/postgres-cluster';

/**
 * The embedded PostgreSQL as another local user sees it. Switching users needs root
 * (CI runs as root); elsewhere the suite is skipped, in CI it fails.
 */
const isRoot = process.getuid?.() === 0;
if (!isRoot && process.env.CI) throw new Error('embedded-pg-security needs root (runuser) to act as another OS user');
const suite = isRoot ? describe : describe.skip;

interface Run {
  code: number | null;
  out: string;
}

/** psql as OS user `user` (runuser drops to it; no password file, no prompt). */
function psql(user: string, conninfo: string, password?: string): Run {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, LC_ALL: 'C' };
  if (password !== undefined) env.PGPASSWORD = password;
  const r = spawnSync(
    'runuser',
    ['-u', user, '--', 'psql', `${conninfo} connect_timeout=5`, '-w', '-X', '-At', '-c', 'SELECT current_user'],
    {
      cwd: '/',
      env,
      encoding: 'utf8',
    },
  );
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function asNobody(cmd: string, args: string[]): Run {
  const r = spawnSync('runuser', ['-u', 'nobody', '--', cmd, ...args], { cwd: '/', encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Every place a PostgreSQL socket for `port` could be, today or in an older version of this project. */
const socketDirs = (dataDir: string) => ['/tmp', '/var/run/postgresql', dataDir, join(dataDir, 'pg')];

function expectLockedDown(dataDir: string, port: number): void {
  const tcp = `host=127.0.0.1 port=${port} user=postgres dbname=postgres`;
  // The password file is the owner's alone.
  expect(statSync(join(dataDir, 'pg.password')).mode & 0o777).toBe(0o600);
  const read = asNobody('cat', [join(dataDir, 'pg.password')]);
  expect(read.code).not.toBe(0);
  expect(read.out).toMatch(/Permission denied/);
  // TCP: neither the old fixed password, nor none at all (no `trust`).
  for (const password of ['postgres', undefined]) {
    const r = psql('nobody', tcp, password);
    expect(r.code).not.toBe(0);
    expect(r.out).not.toMatch(/^postgres$/m);
  }
  // Socket: none anywhere, so nothing to connect to.
  for (const dir of socketDirs(dataDir)) {
    expect(existsSync(join(dir, `.s.PGSQL.${port}`))).toBe(false);
    const r = psql('nobody', `host=${dir} port=${port} user=postgres dbname=postgres`, 'postgres');
    expect(r.code).not.toBe(0);
    expect(r.out).not.toMatch(/^postgres$/m);
  }
  // Nothing in pg_hba.conf lets anyone in without SCRAM.
  const hba = readFileSync(join(dataDir, 'pg', 'pg_hba.conf'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'));
  expect(hba).toEqual(['host    all       all   127.0.0.1/32  scram-sha-256']);
  // The owner, with the password from the file, gets in: the checks above test the lock, not a broken server.
  const owner = psql('root', tcp, readFileSync(join(dataDir, 'pg.password'), 'utf8').trim());
  expect(owner.out.trim()).toBe('postgres');
}

suite('embedded PostgreSQL: closed to other local users', () => {
  const running: EmbeddedDb[] = [];
  afterAll(async () => {
    for (const db of running) await db.stop();
  });

  function dataDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    chmodSync(dir, 0o711); // as loadConfig() makes DATA_DIR
    return dir;
  }

  it('a new cluster: random password in DATA_DIR (0600), SCRAM over loopback TCP only, no socket', async () => {
    const dir = dataDir('aaa-pgsec-');
    const port = await freePortOutsideEphemeral();
    const db = await startEmbeddedPostgres(join(dir, 'pg'), port);
    running.push(db);
    expect(db.url).not.toContain(':postgres@');
    expectLockedDown(dir, port);
  });

  it("the server's processes get none of the API's environment (its tokens and keys may be there)", async () => {
    const dir = dataDir('aaa-pgenv-');
    const port = await freePortOutsideEphemeral();
    process.env.AAA_TEST_SECRET_MARKER = 'must-not-reach-postgres';
    try {
      const db = await startEmbeddedPostgres(join(dir, 'pg'), port);
      running.push(db);
    } finally {
      delete process.env.AAA_TEST_SECRET_MARKER;
    }
    // /proc/<pid>/environ of the postmaster (PostgreSQL's own user can read it, as root can).
    const pid = Number(readFileSync(join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    expect(environ.filter((kv) => kv.startsWith('AAA_TEST_SECRET_MARKER='))).toEqual([]);
    expect(environ.some((kv) => kv.startsWith('PATH='))).toBe(true);
  });

  it('a data directory from before (password `postgres`, `password` auth, socket in /tmp) is locked down on start, data kept', async () => {
    const dir = dataDir('aaa-pgold-');
    const cluster = join(dir, 'pg');
    makeOldStyleCluster(cluster);
    const port = await freePortOutsideEphemeral();
    const db = await startEmbeddedPostgres(cluster, port, 'radius');
    running.push(db);
    expectLockedDown(dir, port);
    // The data of before is still there, under the new password.
    const password = readFileSync(join(dir, 'pg.password'), 'utf8').trim();
    const r = spawnSync('psql', [db.url, '-w', '-X', '-At', '-c', 'SELECT v FROM keep_me'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(r.stdout.trim()).toBe('kept across the upgrade');
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});

/**
 * A cluster as the previous version left it: initdb --auth=password with the superuser
 * password `postgres` (what its npm wrapper ran), a `radius` database with a row in it.
 */
function makeOldStyleCluster(cluster: string): void {
  const bin = pgBinaries();
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout);
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout);
  mkdirSync(cluster, { mode: 0o700 });
  chownSync(cluster, uid, gid);
  const pwfile = join(cluster, '..', 'old-pwfile');
  writeFileSync(pwfile, 'postgres\n', { mode: 0o644 });
  const run = (cmd: string, args: string[], input?: string) => {
    const r = spawnSync(cmd, args, { uid, gid, input, encoding: 'utf8', env: { PATH: process.env.PATH, LC_MESSAGES: 'C' } });
    if (r.status !== 0 || /ERROR:/.test(r.stderr)) throw new Error(`${cmd} failed: ${r.stdout}${r.stderr}`);
  };
  run(bin.initdb, [`--pgdata=${cluster}`, '--auth=password', '--username=postgres', `--pwfile=${pwfile}`]);
  run(bin.postgres, ['--single', '-D', cluster, 'postgres'], 'CREATE DATABASE radius;\n');
  run(
    bin.postgres,
    ['--single', '-D', cluster, 'radius'],
    "CREATE TABLE keep_me (v text);\nINSERT INTO keep_me VALUES ('kept across the upgrade');\n",
  );
  const hba = readFileSync(join(cluster, 'pg_hba.conf'), 'utf8');
  if (!/^local\s+all\s+all\s+password/m.test(hba)) throw new Error('not an old-style pg_hba.conf');
}
