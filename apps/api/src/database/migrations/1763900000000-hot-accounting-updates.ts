import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lets Interim-Updates be HOT updates (heap-only tuples: no index entries written).
 * PostgreSQL can only do that when no indexed column changes and the page has room:
 * - last_seen_at changes on every Interim and was indexed (for the stale-session
 *   reaper); the reaper now walks the partial index of open sessions instead, which
 *   holds only open sessions however much history accumulates;
 * - fillfactor leaves room on each page for the new row versions (sessions: interim
 *   counters; accounts: used_bytes on every accounting packet).
 */
export class HotAccountingUpdates1763900000000 implements MigrationInterface {
  name = 'HotAccountingUpdates1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS ix_sessions_open_last_seen`);
    await q.query(`ALTER TABLE sessions SET (fillfactor = 70)`);
    await q.query(`ALTER TABLE accounts SET (fillfactor = 80)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounts RESET (fillfactor)`);
    await q.query(`ALTER TABLE sessions RESET (fillfactor)`);
    await q.query(`CREATE INDEX ix_sessions_open_last_seen ON sessions (last_seen_at) WHERE stopped_at IS NULL`);
  }
}
