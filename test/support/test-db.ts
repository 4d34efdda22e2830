import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the suites through jest (global setup starts PostgreSQL)');
  return url;
}

/** A fresh, empty database on the test server; the app's migrations fill it. */
export async function createTestDatabase(prefix = 'test'): Promise<string> {
  const base = new URL(serverUrl());
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: base.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  base.pathname = `/${name}`;
  return base.toString();
}

export async function sql<T = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** Runs `fn` while the test database refuses connections and its sessions are cut. */
export async function withDatabaseDown(url: string, fn: () => Promise<void>): Promise<void> {
  const dbName = new URL(url).pathname.slice(1);
  const server = new URL(url);
  server.pathname = '/postgres';
  await sql(server.toString(), `ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS false`);
  try {
    await sql(server.toString(), 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [dbName]);
    await fn();
  } finally {
    await sql(server.toString(), `ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS true`);
  }
}
