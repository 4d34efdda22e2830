import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Live changes (RFC 5176 CoA-Request) and fair-usage throttling.
 *
 * - `accounts.throttle_profile_id`: the speed profile a session is slowed to once the account's
 *   quota is used up, instead of being restricted. Deleting the profile clears it (the account
 *   is then restricted at the limit again, as before). A plan can carry the same column later.
 * - `coa_requests`: one row per session and change. It is the hand-over between API instances
 *   (the instance that made the change inserts it and NOTIFYs `aaa_coa`; whichever instance
 *   claims it first with `claimed_by IS NULL` sends, so one change is sent once) and the record
 *   the admin API shows as the session's last CoA. No foreign key to sessions: closed sessions
 *   move to `sessions_history`, and their CoA record stays. Finished rows are kept 30 days
 *   (router-rpc `CoaOutbox`).
 */
export class CoaAndThrottling1764520000000 implements MigrationInterface {
  name = 'CoaAndThrottling1764520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE accounts ADD COLUMN throttle_profile_id uuid REFERENCES speed_profiles(id) ON DELETE SET NULL;
      CREATE INDEX ix_accounts_throttle_profile ON accounts (throttle_profile_id) WHERE throttle_profile_id IS NOT NULL;
      CREATE INDEX ix_accounts_speed_profile ON accounts (speed_profile_id) WHERE speed_profile_id IS NOT NULL;

      CREATE TABLE coa_requests (
        id bigserial PRIMARY KEY,
        session_id uuid NOT NULL,
        change_id uuid NOT NULL,
        reason text NOT NULL,
        enforce boolean NOT NULL DEFAULT false,
        restriction text CHECK (restriction IN ('set', 'lifted')),
        created_at timestamptz NOT NULL DEFAULT now(),
        claimed_by text,
        claimed_at timestamptz,
        finished_at timestamptz,
        outcome text,
        error_cause text,
        detail text,
        sent jsonb,
        CONSTRAINT uq_coa_requests_change UNIQUE (session_id, change_id)
      );
      CREATE INDEX ix_coa_requests_session ON coa_requests (session_id, id DESC);
      CREATE INDEX ix_coa_requests_unclaimed ON coa_requests (created_at) WHERE claimed_by IS NULL;
      CREATE INDEX ix_coa_requests_finished ON coa_requests (finished_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE coa_requests;
      DROP INDEX ix_accounts_speed_profile;
      ALTER TABLE accounts DROP COLUMN throttle_profile_id;
    `);
  }
}
