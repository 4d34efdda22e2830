import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Account-row notifications also name the account: `a:<id>:<lower(username)>`.
 * FreeRADIUS caches authorize answers per User-Name (radius/answer-cache), so the
 * instance that evicts them needs the name, and the row may already be gone.
 * Only when a column other than the usage counter changed: quota accounts, whose
 * usage moves on every Interim-Update, are never cached there. Session changes
 * keep sending `a:<id>`.
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

const NOTIFY_ID_ONLY = `
  CREATE OR REPLACE FUNCTION aaa_notify_account_row() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify('aaa_account_changed', 'a:' || OLD.id::text);
    RETURN NULL;
  END $$;
`;

export class AnswerCacheNotify1764100000000 implements MigrationInterface {
  name = 'AnswerCacheNotify1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(NOTIFY_WITH_NAME);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(NOTIFY_ID_ONLY);
  }
}
