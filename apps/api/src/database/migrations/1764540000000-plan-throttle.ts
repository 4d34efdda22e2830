import { MigrationInterface, QueryRunner } from 'typeorm';
import { book, INSERTED, STARTED, UPDATED } from './1764500000001-plan-usage';
import { ANSWER_COLUMNS_V6, notify } from './1764530000000-ipv6';

/**
 * Plans that throttle at their limit (issues 14 + 15 together):
 *
 * - `plans.throttle_profile_id`: the speed profile an account on the plan is slowed to once the
 *   period's data is used up (`on_limit = 'throttle'`; the API requires one with it);
 * - the usage triggers also NOTIFY `aaa_plan_limit` when a booking takes a period over the
 *   plan's data limit, so the API can act during the session (a CoA), not only at the next login;
 * - `account_usage (period_end)`: the reset announcer looks up periods that just ended;
 * - `account_usage.limit_announced_at`: every instance hears the NOTIFY, the one that sets it
 *   acts (a hotspot login is disconnected once, not once per instance);
 * - `aaa_notify_account_row()` with every answer-changing column the branches added (IPv6
 *   prefixes, plan, first login, throttle profile): each replaced it with its own list.
 */
/** What the IPv6 migration's list lacks: the plan's columns (1764500000001) and the throttle profile. */
const ANSWER_COLUMNS = `${ANSWER_COLUMNS_V6}, plan_id, first_login_at, throttle_profile_id`;

export class PlanThrottle1764540000000 implements MigrationInterface {
  name = 'PlanThrottle1764540000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE plans ADD COLUMN throttle_profile_id uuid REFERENCES speed_profiles(id) ON DELETE SET NULL;
      CREATE INDEX ix_account_usage_period_end ON account_usage (period_end);
      ALTER TABLE account_usage ADD COLUMN limit_announced_at timestamptz;
      ${book('aaa_book_plan_usage_insert', STARTED, INSERTED, true, 'CREATE OR REPLACE')}
      ${book('aaa_book_plan_usage_update', '', UPDATED, true, 'CREATE OR REPLACE')}
      ${notify(ANSWER_COLUMNS)};
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ${notify(ANSWER_COLUMNS_V6)};
      ${book('aaa_book_plan_usage_update', '', UPDATED, false, 'CREATE OR REPLACE')}
      ${book('aaa_book_plan_usage_insert', STARTED, INSERTED, false, 'CREATE OR REPLACE')}
      ALTER TABLE account_usage DROP COLUMN limit_announced_at;
      DROP INDEX ix_account_usage_period_end;
      ALTER TABLE plans DROP COLUMN throttle_profile_id;
    `);
  }
}
