import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 1. Account-row notifications also name the account: `a:<id>:<lower(username)>`.
 * FreeRADIUS caches authorize answers per User-Name (radius/answer-cache), so the
 * instance that evicts them needs the name, and the row may already be gone.
 * Only when a column other than the usage counter changed: quota accounts, whose
 * usage moves on every Interim-Update, are never cached there. Session changes
 * keep sending `a:<id>`.
 *
 * 2. A newly opened session closes the same device's older open sessions of the
 * account, inside the transaction that stores it. Authorize does the same, but a
 * login answered from FreeRADIUS's answer cache never reaches the API.
 */
const NOTIFY_WITH_NAME = `
  CREATE OR REPLACE FUNCTION aaa_notify_account_row() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'DELETE'
       OR (OLD.username, OLD.password_enc, OLD.nt_hash, OLD.kind, OLD.account_group, OLD.status,
           OLD.speed_profile_id, OLD.static_ip, OLD.expires_at, OLD.max_sessions, OLD.restrictions, OLD.quota_bytes)
          IS DISTINCT FROM
          (NEW.username, NEW.password_enc, NEW.nt_hash, NEW.kind, NEW.account_group, NEW.status,
           NEW.speed_profile_id, NEW.static_ip, NEW.expires_at, NEW.max_sessions, NEW.restrictions, NEW.quota_bytes) THEN
      PERFORM pg_notify('aaa_account_changed', 'a:' || OLD.id::text || ':' || lower(OLD.username));
    ELSE
      PERFORM pg_notify('aaa_account_changed', 'a:' || OLD.id::text);
    END IF;
    RETURN NULL;
  END $$;
`;

const REPLACE_SAME_DEVICE = `
  CREATE FUNCTION aaa_replace_same_device() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    UPDATE sessions SET stopped_at = now(), terminate_cause = 'Session-Replaced'
     WHERE account_id = NEW.account_id AND stopped_at IS NULL AND calling_station_id = NEW.calling_station_id
       AND id <> NEW.id AND started_at <= NEW.started_at;
    RETURN NULL;
  END $$;

  CREATE TRIGGER trg_sessions_replace_same_device AFTER INSERT ON sessions FOR EACH ROW
    WHEN (NEW.stopped_at IS NULL AND NEW.account_id IS NOT NULL AND NEW.calling_station_id IS NOT NULL)
    EXECUTE FUNCTION aaa_replace_same_device();
`;

const NOTIFY_ID_ONLY = `
  CREATE OR REPLACE FUNCTION aaa_notify_account_row() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify('aaa_account_changed', 'a:' || OLD.id::text);
    RETURN NULL;
  END $$;
`;

export class AnswerCacheSupport1764100000000 implements MigrationInterface {
  name = 'AnswerCacheSupport1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(NOTIFY_WITH_NAME);
    await q.query(REPLACE_SAME_DEVICE);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER trg_sessions_replace_same_device ON sessions; DROP FUNCTION aaa_replace_same_device();');
    await q.query(NOTIFY_ID_ONLY);
  }
}
