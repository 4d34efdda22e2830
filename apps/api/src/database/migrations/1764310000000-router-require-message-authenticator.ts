import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * BlastRADIUS (CVE-2024-3596): whether FreeRADIUS drops this router's Access-Requests
 * that carry no Message-Authenticator. New routers require it. Routers that existed
 * before this migration keep working as they did (false): an upgrade must not cut off
 * a RouterOS before 7.15 or any NAS that never sent one. The API warns at every start
 * while any router still accepts requests without it.
 */
export class RouterRequireMessageAuthenticator1764310000000 implements MigrationInterface {
  name = 'RouterRequireMessageAuthenticator1764310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE routers ADD COLUMN require_message_authenticator boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE routers ALTER COLUMN require_message_authenticator SET DEFAULT true`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE routers DROP COLUMN require_message_authenticator`);
  }
}
