import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Plans (issue 14): what a customer buys. Accounts get an optional plan; a plan in use
 * cannot be deleted (its accounts would silently lose their limits). `first_login_at`
 * is when the account's first session started: validity counted from first login, and
 * the day anniversary periods reset on, start there.
 */
export class Plans1764500000000 implements MigrationInterface {
  name = 'Plans1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE plans (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        speed_profile_id uuid REFERENCES speed_profiles(id) ON DELETE SET NULL,
        price numeric(12,2) CONSTRAINT ck_plans_price CHECK (price >= 0),
        currency text CONSTRAINT ck_plans_currency CHECK (currency ~ '^[A-Z]{3}$'),
        validity_seconds int CONSTRAINT ck_plans_validity CHECK (validity_seconds > 0),
        valid_from text NOT NULL DEFAULT 'creation' CONSTRAINT ck_plans_valid_from CHECK (valid_from IN ('first_login', 'creation')),
        data_bytes bigint CONSTRAINT ck_plans_data CHECK (data_bytes >= 0),
        time_seconds int CONSTRAINT ck_plans_time CHECK (time_seconds >= 0),
        period text NOT NULL DEFAULT 'none'
          CONSTRAINT ck_plans_period CHECK (period IN ('none', 'daily', 'weekly', 'monthly', 'anniversary')),
        timezone text NOT NULL DEFAULT 'UTC',
        on_limit text NOT NULL DEFAULT 'restrict' CONSTRAINT ck_plans_on_limit CHECK (on_limit IN ('restrict', 'throttle')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_plans_speed_profile ON plans (speed_profile_id);
      ALTER TABLE accounts
        ADD COLUMN plan_id uuid REFERENCES plans(id) ON DELETE RESTRICT,
        ADD COLUMN first_login_at timestamptz;
      CREATE INDEX ix_accounts_plan ON accounts (plan_id) WHERE plan_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX ix_accounts_plan;
      ALTER TABLE accounts DROP COLUMN first_login_at, DROP COLUMN plan_id;
      DROP TABLE plans;
    `);
  }
}
