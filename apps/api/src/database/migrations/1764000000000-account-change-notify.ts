import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change that can alter an authorize decision NOTIFYs `aaa_account_changed`,
 * so API instances can keep accounts in memory (radius/account-cache.ts) and still
 * never decide on stale data. Triggers, not application code: a change made by any
 * instance, a migration or an operator's psql session invalidates all the same.
 *
 * Payloads: `a:<account id>` for one account, `*` for everything (speed profiles,
 * which many accounts share, change rarely).
 *
 * Kept off the accounting hot path: an Interim-Update changes `used_bytes`, which
 * matters only to accounts with a quota, and session counters, which matter not at
 * all; the WHEN clauses skip those rows before any function runs.
 */
const SQL_UP = `
  CREATE FUNCTION aaa_notify_account_row() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify('aaa_account_changed', 'a:' || OLD.id::text);
    RETURN NULL;
  END $$;

  CREATE TRIGGER trg_accounts_changed AFTER UPDATE ON accounts FOR EACH ROW
    WHEN (OLD.used_bytes IS NOT DISTINCT FROM NEW.used_bytes
          OR OLD.quota_bytes IS NOT NULL OR NEW.quota_bytes IS NOT NULL
          OR (OLD.username, OLD.password_enc, OLD.nt_hash, OLD.kind, OLD.account_group, OLD.status,
              OLD.speed_profile_id, OLD.static_ip, OLD.expires_at, OLD.max_sessions, OLD.restrictions)
             IS DISTINCT FROM
             (NEW.username, NEW.password_enc, NEW.nt_hash, NEW.kind, NEW.account_group, NEW.status,
              NEW.speed_profile_id, NEW.static_ip, NEW.expires_at, NEW.max_sessions, NEW.restrictions))
    EXECUTE FUNCTION aaa_notify_account_row();
  CREATE TRIGGER trg_accounts_deleted AFTER DELETE ON accounts FOR EACH ROW
    EXECUTE FUNCTION aaa_notify_account_row();

  -- Open sessions (their Calling-Station-Ids) count against max_sessions.
  CREATE FUNCTION aaa_notify_session_owner() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP <> 'INSERT' AND OLD.account_id IS NOT NULL THEN
      PERFORM pg_notify('aaa_account_changed', 'a:' || OLD.account_id::text);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.account_id IS NOT NULL
       AND (TG_OP = 'INSERT' OR NEW.account_id IS DISTINCT FROM OLD.account_id) THEN
      PERFORM pg_notify('aaa_account_changed', 'a:' || NEW.account_id::text);
    END IF;
    RETURN NULL;
  END $$;

  CREATE TRIGGER trg_sessions_opened AFTER INSERT ON sessions FOR EACH ROW
    WHEN (NEW.stopped_at IS NULL AND NEW.account_id IS NOT NULL)
    EXECUTE FUNCTION aaa_notify_session_owner();
  CREATE TRIGGER trg_sessions_changed AFTER UPDATE ON sessions FOR EACH ROW
    WHEN (OLD.stopped_at IS DISTINCT FROM NEW.stopped_at
          OR OLD.account_id IS DISTINCT FROM NEW.account_id
          OR (NEW.stopped_at IS NULL AND OLD.calling_station_id IS DISTINCT FROM NEW.calling_station_id))
    EXECUTE FUNCTION aaa_notify_session_owner();
  CREATE TRIGGER trg_sessions_deleted AFTER DELETE ON sessions FOR EACH ROW
    WHEN (OLD.stopped_at IS NULL AND OLD.account_id IS NOT NULL)
    EXECUTE FUNCTION aaa_notify_session_owner();

  CREATE FUNCTION aaa_notify_all_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify('aaa_account_changed', '*');
    RETURN NULL;
  END $$;

  CREATE TRIGGER trg_speed_profiles_changed AFTER UPDATE OR DELETE ON speed_profiles
    FOR EACH STATEMENT EXECUTE FUNCTION aaa_notify_all_accounts();
`;

export class AccountChangeNotify1764000000000 implements MigrationInterface {
  name = 'AccountChangeNotify1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(SQL_UP);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER trg_speed_profiles_changed ON speed_profiles;
      DROP TRIGGER trg_sessions_deleted ON sessions;
      DROP TRIGGER trg_sessions_changed ON sessions;
      DROP TRIGGER trg_sessions_opened ON sessions;
      DROP TRIGGER trg_accounts_deleted ON accounts;
      DROP TRIGGER trg_accounts_changed ON accounts;
      DROP FUNCTION aaa_notify_all_accounts();
      DROP FUNCTION aaa_notify_session_owner();
      DROP FUNCTION aaa_notify_account_row();
    `);
  }
}
