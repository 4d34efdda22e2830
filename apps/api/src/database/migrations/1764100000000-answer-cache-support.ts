import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * For FreeRADIUS's answer cache (radius/answer-cache), whose evictions name users
 * and devices, not ids:
 *
 * 1. Account-row notifications also carry the username, `a:<id>:<user>`, lowercased
 *    the way FreeRADIUS does (ASCII only). Only when a column other than the usage
 *    counter changed: quota accounts, whose usage moves on every Interim-Update, are
 *    never cached there.
 * 2. A newly opened session notifies `s:<account id>\t<device>\t<user>` instead of
 *    `a:<account id>`; closing and other session changes keep `a:<account id>`.
 * 3. A newly opened session closes the same device's older open sessions of the
 *    account, inside the transaction that stores it. Authorize does the same, but a
 *    login answered from FreeRADIUS's answer cache never reaches the API.
 */
const UP = `
  CREATE OR REPLACE FUNCTION aaa_notify_account_row() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'DELETE'
       OR (OLD.username, OLD.password_enc, OLD.nt_hash, OLD.kind, OLD.account_group, OLD.status,
           OLD.speed_profile_id, OLD.static_ip, OLD.expires_at, OLD.max_sessions, OLD.restrictions, OLD.quota_bytes)
          IS DISTINCT FROM
          (NEW.username, NEW.password_enc, NEW.nt_hash, NEW.kind, NEW.account_group, NEW.status,
           NEW.speed_profile_id, NEW.static_ip, NEW.expires_at, NEW.max_sessions, NEW.restrictions, NEW.quota_bytes) THEN
      PERFORM pg_notify('aaa_account_changed', 'a:' || OLD.id::text || ':' || lower(OLD.username COLLATE "C"));
    ELSE
      PERFORM pg_notify('aaa_account_changed', 'a:' || OLD.id::text);
    END IF;
    RETURN NULL;
  END $$;

  CREATE OR REPLACE FUNCTION aaa_notify_session_owner() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP <> 'INSERT' AND OLD.account_id IS NOT NULL THEN
      PERFORM pg_notify('aaa_account_changed', 'a:' || OLD.account_id::text);
    END IF;
    IF TG_OP = 'INSERT' AND NEW.account_id IS NOT NULL THEN
      PERFORM pg_notify('aaa_account_changed',
        's:' || NEW.account_id::text || E'\\t' || coalesce(NEW.calling_station_id, '') || E'\\t' ||
        coalesce((SELECT lower(username COLLATE "C") FROM accounts WHERE id = NEW.account_id), ''));
    ELSIF TG_OP = 'UPDATE' AND NEW.account_id IS NOT NULL AND NEW.account_id IS DISTINCT FROM OLD.account_id THEN
      PERFORM pg_notify('aaa_account_changed', 'a:' || NEW.account_id::text);
    END IF;
    RETURN NULL;
  END $$;

  CREATE FUNCTION aaa_replace_same_device() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    UPDATE sessions SET stopped_at = now(), terminate_cause = 'Session-Replaced'
     WHERE account_id = NEW.account_id AND stopped_at IS NULL AND calling_station_id = NEW.calling_station_id
       AND id <> NEW.id
       -- A tie (Event-Timestamp has whole seconds) is older unless it was written by this
       -- very transaction: two starts of one device in one batch must not close each other.
       AND (started_at < NEW.started_at
            OR (started_at = NEW.started_at AND xmin <> pg_current_xact_id()::text::xid));
    RETURN NULL;
  END $$;

  CREATE TRIGGER trg_sessions_replace_same_device AFTER INSERT ON sessions FOR EACH ROW
    WHEN (NEW.stopped_at IS NULL AND NEW.account_id IS NOT NULL AND NEW.calling_station_id IS NOT NULL)
    EXECUTE FUNCTION aaa_replace_same_device();
`;

/** The functions as migration 1764000000000 created them. */
const DOWN = `
  DROP TRIGGER trg_sessions_replace_same_device ON sessions;
  DROP FUNCTION aaa_replace_same_device();

  CREATE OR REPLACE FUNCTION aaa_notify_account_row() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify('aaa_account_changed', 'a:' || OLD.id::text);
    RETURN NULL;
  END $$;

  CREATE OR REPLACE FUNCTION aaa_notify_session_owner() RETURNS trigger LANGUAGE plpgsql AS $$
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
`;

export class AnswerCacheSupport1764100000000 implements MigrationInterface {
  name = 'AnswerCacheSupport1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(UP);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(DOWN);
  }
}
