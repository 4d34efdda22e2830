import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounting packets that can never be stored (an attribute out of range, no
 * Acct-Session-Id, an unknown NAS, a value PostgreSQL refuses) are acknowledged and
 * kept here with their attributes and the reason, instead of being answered 5xx and
 * retried by FreeRADIUS's spool forever, which stalled every packet behind them.
 * See libs/aaa/src/dead-letters.
 */
export class AccountingDeadLetters1764300000001 implements MigrationInterface {
  name = 'AccountingDeadLetters1764300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE accounting_dead_letters (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        received_at timestamptz NOT NULL DEFAULT now(),
        router_id uuid REFERENCES routers(id) ON DELETE SET NULL,
        nas_ip inet NOT NULL,
        kind text NOT NULL,
        reason text NOT NULL,
        attributes jsonb NOT NULL
      );
      CREATE INDEX ix_accounting_dead_letters_received ON accounting_dead_letters (received_at DESC, id DESC);
      CREATE INDEX ix_accounting_dead_letters_router ON accounting_dead_letters (router_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE accounting_dead_letters`);
  }
}
