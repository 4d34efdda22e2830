import { MigrationInterface, QueryRunner } from 'typeorm';

/** The foundation schema. Constraints, not application code, guarantee uniqueness. */
export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE customers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        email text,
        notes text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE speed_profiles (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CONSTRAINT uq_speed_profiles_name UNIQUE,
        download_kbps int NOT NULL CHECK (download_kbps > 0),
        upload_kbps int NOT NULL CHECK (upload_kbps > 0),
        burst_download_kbps int,
        burst_upload_kbps int,
        burst_threshold_percent int,
        burst_time_seconds int,
        session_timeout_seconds int,
        idle_timeout_seconds int,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE ip_pools (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CONSTRAINT uq_ip_pools_name UNIQUE,
        cidr cidr NOT NULL CHECK (family(cidr) = 4 AND masklen(cidr) BETWEEN 16 AND 30),
        gateway inet,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        username text NOT NULL,
        password_enc text NOT NULL,
        nt_hash text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('vpn', 'hotspot')),
        account_group text NOT NULL DEFAULT 'user' CHECK (account_group IN ('user', 'admin')),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled', 'banned')),
        speed_profile_id uuid REFERENCES speed_profiles(id) ON DELETE SET NULL,
        ip_pool_id uuid REFERENCES ip_pools(id) ON DELETE RESTRICT,
        static_ip inet,
        expires_at timestamptz,
        quota_bytes bigint CHECK (quota_bytes >= 0),
        used_bytes bigint NOT NULL DEFAULT 0,
        max_sessions int NOT NULL DEFAULT 1 CHECK (max_sessions >= 1),
        panel_allowlist cidr[],
        restrictions text[] NOT NULL DEFAULT '{}',
        notes text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      -- Case-insensitive uniqueness, and the index authorize looks users up by.
      CREATE UNIQUE INDEX uq_accounts_username ON accounts (lower(username));
      -- One address, one account: the database, not the allocator, has the last word.
      CREATE UNIQUE INDEX uq_accounts_static_ip ON accounts (static_ip);
      CREATE INDEX ix_accounts_customer ON accounts (customer_id);
      CREATE INDEX ix_accounts_admin ON accounts (id) WHERE account_group = 'admin';

      CREATE TABLE routers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        vendor text NOT NULL CHECK (vendor IN ('generic', 'uspot', 'mikrotik')),
        nas_identifier text NOT NULL CONSTRAINT uq_routers_nas_identifier UNIQUE,
        nas_ip inet NOT NULL CONSTRAINT uq_routers_nas_ip UNIQUE,
        radius_secret_enc text NOT NULL,
        uam_secret_enc text,
        uam_server text,
        uam_port int,
        login_path text,
        coa_port int NOT NULL DEFAULT 3799,
        uspot_section text NOT NULL DEFAULT 'captive',
        token_hash text NOT NULL,
        venue_name text,
        terms_text text,
        logo_url text,
        last_seen_at timestamptz,
        connected_instance text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX uq_routers_token_hash ON routers (token_hash);

      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        router_id uuid NOT NULL REFERENCES routers(id) ON DELETE CASCADE,
        account_id uuid REFERENCES accounts(id) ON DELETE SET NULL,
        username text NOT NULL,
        acct_session_id text NOT NULL,
        acct_unique_id text,
        framed_ip inet,
        calling_station_id text,
        called_station_id text,
        started_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        stopped_at timestamptz,
        input_octets bigint NOT NULL DEFAULT 0,
        output_octets bigint NOT NULL DEFAULT 0,
        session_time int NOT NULL DEFAULT 0,
        terminate_cause text,
        CONSTRAINT uq_sessions_router_acct_session UNIQUE (router_id, acct_session_id)
      );
      -- Hot-path indexes cover open sessions only, so history does not slow them down.
      CREATE INDEX ix_sessions_open_account ON sessions (account_id) WHERE stopped_at IS NULL;
      CREATE INDEX ix_sessions_open_router ON sessions (router_id) WHERE stopped_at IS NULL;
      CREATE INDEX ix_sessions_open_last_seen ON sessions (last_seen_at) WHERE stopped_at IS NULL;
      CREATE INDEX ix_sessions_account_started ON sessions (account_id, started_at DESC);
      CREATE INDEX ix_sessions_started ON sessions (started_at DESC);

      CREATE TABLE auth_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        username text NOT NULL,
        router_id uuid REFERENCES routers(id) ON DELETE SET NULL,
        mac text,
        result text NOT NULL CHECK (result IN ('accept', 'reject', 'restricted')),
        reason text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_auth_events_router_mac ON auth_events (router_id, mac, created_at DESC);
      CREATE INDEX ix_auth_events_username ON auth_events (lower(username), created_at DESC);
      CREATE INDEX ix_auth_events_created ON auth_events (created_at DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth_events, sessions, routers, accounts, ip_pools, speed_profiles, customers`);
  }
}
