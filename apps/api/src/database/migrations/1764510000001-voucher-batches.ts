import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hotspot vouchers (issue 14). A batch is `count` hotspot accounts of one plan whose
 * username and password are a random code; they belong to a customer made for the batch,
 * so nothing else about accounts changes. The codes are unique by the existing unique
 * index on `lower(username COLLATE "C")`; the password is sealed like any other.
 * Deleting the batch's customer deletes its accounts; a batch cannot outlive its plan.
 */
export class VoucherBatches1764510000001 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE voucher_batches (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        plan_id uuid NOT NULL REFERENCES plans(id) ON DELETE RESTRICT,
        customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        count int NOT NULL CONSTRAINT ck_voucher_batches_count CHECK (count BETWEEN 1 AND 10000),
        prefix text NOT NULL DEFAULT '',
        code_length int NOT NULL,
        alphabet text NOT NULL,
        expires_at timestamptz,
        note text,
        venue_name text,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_voucher_batches_created ON voucher_batches (created_at DESC);
      ALTER TABLE accounts ADD COLUMN voucher_batch_id uuid REFERENCES voucher_batches(id) ON DELETE CASCADE;
      CREATE INDEX ix_accounts_voucher_batch ON accounts (voucher_batch_id) WHERE voucher_batch_id IS NOT NULL;
    `);
  }

  /** Vouchers cannot exist without their batch: a downgrade deletes them, with the customers made for them. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM accounts WHERE voucher_batch_id IS NOT NULL;
      ALTER TABLE accounts DROP COLUMN voucher_batch_id;
      DELETE FROM customers c USING voucher_batches b WHERE b.customer_id = c.id;
      DROP TABLE voucher_batches;
    `);
  }
}
