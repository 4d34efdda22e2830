import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../apps/api/src/database/embedded-postgres';
import { freePortOutsideEphemeral } from '../../apps/api/src/database/free-port';

/** One real PostgreSQL for the whole run; each suite creates its own database in it. */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  const dir = mkdtempSync(join(tmpdir(), 'aaa-test-pg-'));
  chmodSync(dir, 0o711); // the embedded server runs as its own user under root
  const db = await startEmbeddedPostgres(join(dir, 'pg'), await freePortOutsideEphemeral(), 'postgres');
  process.env.TEST_DATABASE_URL = db.url;
  (globalThis as { __TEST_PG__?: typeof db }).__TEST_PG__ = db;
}
