import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One canonical username (libs/aaa/src/common/username.ts) in the database too:
 *
 * - `ck_accounts_username`: a username is 1-64 characters of A-Z a-z 0-9 . _ @ + -,
 *   whoever writes it (the admin API refuses others already; this covers plain SQL).
 *   Added NOT VALID and validated only when every existing row passes, so an upgrade
 *   never fails on old data; a row that does not pass is named in a WARNING, can no
 *   longer log in (the API refuses its name before any lookup), and must be renamed.
 * - `uq_accounts_username` folds case the way the API and FreeRADIUS do, ASCII only:
 *   `lower(username COLLATE "C")`. The default collation's lower() also folds
 *   non-ASCII letters (KELVIN SIGN to "k", and in a Turkish locale "I" to dotless "ı"),
 *   so it disagreed with both about which names are the same. Authorize and accounting
 *   look accounts up through this index, by the key canonicalUsername() computes.
 */
const RULE = `username COLLATE "C" ~ '^[A-Za-z0-9._@+-]{1,64}$'`;

export class CanonicalUsernames1764300000000 implements MigrationInterface {
  name = 'CanonicalUsernames1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE accounts ADD CONSTRAINT ck_accounts_username CHECK (${RULE}) NOT VALID;
      DO $$
      DECLARE
        bad text;
      BEGIN
        SELECT string_agg(quote_literal(username), ', ') INTO bad FROM (SELECT username FROM accounts WHERE NOT (${RULE}) LIMIT 20) x;
        IF bad IS NULL THEN
          ALTER TABLE accounts VALIDATE CONSTRAINT ck_accounts_username;
        ELSE
          RAISE WARNING 'accounts whose username is not a valid username cannot log in until renamed: %', bad;
        END IF;
      END $$;
      DROP INDEX uq_accounts_username;
      CREATE UNIQUE INDEX uq_accounts_username ON accounts (lower(username COLLATE "C"));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX uq_accounts_username;
      CREATE UNIQUE INDEX uq_accounts_username ON accounts (lower(username));
      ALTER TABLE accounts DROP CONSTRAINT ck_accounts_username;
    `);
  }
}
