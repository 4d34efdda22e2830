import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The portal is bound to its router (issue 11 §5) and CoovaChilli gets its own profile
 * (issue 13 §2):
 *
 * 1. `uam_addresses`: where the router's UAM/login server answers (IPv4 addresses or
 *    CIDRs, checked by the admin API). Existing routers start with none, so the portal
 *    refuses their links until an operator sets them: guessing would reopen the hole.
 * 2. `uam_hostname`: the hotspot's DNS name, a second accepted login target (MikroTik).
 * 3. `coova` joins the vendor CHECK (the initial schema's unnamed constraint is
 *    `routers_vendor_check`).
 */
export class PortalRouterBinding1764330000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE routers
        ADD COLUMN uam_addresses text[] NOT NULL DEFAULT '{}',
        ADD COLUMN uam_hostname text,
        DROP CONSTRAINT routers_vendor_check,
        ADD CONSTRAINT routers_vendor_check CHECK (vendor IN ('generic', 'uspot', 'mikrotik', 'coova'))
    `);
  }

  /** A `coova` router becomes `generic` again: the closest profile the old schema has. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE routers SET vendor = 'generic' WHERE vendor = 'coova';
      ALTER TABLE routers
        DROP COLUMN uam_addresses,
        DROP COLUMN uam_hostname,
        DROP CONSTRAINT routers_vendor_check,
        ADD CONSTRAINT routers_vendor_check CHECK (vendor IN ('generic', 'uspot', 'mikrotik'));
    `);
  }
}
