import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14, voucher login: a router's portal asks either for username and password (as
 * before) or, in `voucher` mode, for one code that is sent as both.
 */
export class RouterPortalMode1764510000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE routers ADD COLUMN portal_mode text NOT NULL DEFAULT 'password'
        CONSTRAINT routers_portal_mode_check CHECK (portal_mode IN ('password', 'voucher'))
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE routers DROP COLUMN portal_mode`);
  }
}
