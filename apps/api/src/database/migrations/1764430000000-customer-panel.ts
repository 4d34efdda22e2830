import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The customer panel (libs/panel): a customer's sign-in, their cookie sessions, one-time
 * invite links, and the sign-in failures that lock an email out. Sessions and invites
 * are stored as SHA-256 hashes of the random values in the cookie or link, so a copy of
 * the database signs nobody in; passwords are scrypt hashes. Everything goes with its
 * customer. Failures are keyed by an HMAC of the email typed, whether a login exists for
 * it or not, so a lockout says nothing about which emails exist.
 */
export class CustomerPanel1764430000000 implements MigrationInterface {
  name = 'CustomerPanel1764430000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE panel_logins (
        customer_id uuid PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
        email text NOT NULL CONSTRAINT ck_panel_logins_email CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
        password_hash text,
        password_set_at timestamptz,
        last_sign_in_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX uq_panel_logins_email ON panel_logins (email);

      CREATE TABLE panel_sessions (
        id_hash text PRIMARY KEY,
        customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        client_ip inet
      );
      CREATE INDEX ix_panel_sessions_customer ON panel_sessions (customer_id);
      CREATE INDEX ix_panel_sessions_expires ON panel_sessions (expires_at);

      CREATE TABLE panel_invites (
        token_hash text PRIMARY KEY,
        customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      );
      CREATE INDEX ix_panel_invites_customer ON panel_invites (customer_id);

      CREATE TABLE panel_sign_in_failures (
        key text PRIMARY KEY,
        failures int NOT NULL,
        first_failure_at timestamptz NOT NULL,
        locked_until timestamptz
      );
      CREATE INDEX ix_panel_sign_in_failures_first ON panel_sign_in_failures (first_failure_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE panel_sign_in_failures, panel_invites, panel_sessions, panel_logins`);
  }
}
