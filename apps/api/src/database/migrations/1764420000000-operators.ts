import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operators (people with a role) and their personal API tokens. Only a token's SHA-256
 * is stored, plus a prefix to recognise it by; a revoked token keeps its row (the audit
 * log names it) with `revoked_at` set.
 *
 * Every instance caches token lookups (operators/token-directory.service.ts), so a change
 * that can end a token's validity NOTIFYs `aaa_operator_changed`: `t:<token id>` when a
 * token is revoked, re-dated or deleted, `o:<operator id>` when an operator changes or is
 * deleted. Triggers, not application code, so a change through any instance and one made in
 * psql alike reach every instance's cache. `last_used_at` is written as tokens are used and
 * is left out: it changes nothing about a token's validity.
 */
const SQL_UP = `
  CREATE TABLE operators (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    email text NOT NULL,
    role text NOT NULL CONSTRAINT ck_operators_role CHECK (role IN ('readonly', 'support', 'admin', 'owner')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE UNIQUE INDEX uq_operators_email ON operators (lower(email));

  CREATE TABLE operator_tokens (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    operator_id uuid NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    name text NOT NULL,
    prefix text NOT NULL,
    token_hash text NOT NULL CONSTRAINT uq_operator_tokens_hash UNIQUE,
    expires_at timestamptz,
    revoked_at timestamptz,
    last_used_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX ix_operator_tokens_operator ON operator_tokens (operator_id, created_at DESC);

  CREATE FUNCTION aaa_notify_operator_changed() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify('aaa_operator_changed',
      CASE TG_TABLE_NAME WHEN 'operators' THEN 'o:' ELSE 't:' END || OLD.id::text);
    RETURN NULL;
  END $$;

  CREATE TRIGGER trg_operators_changed AFTER UPDATE OR DELETE ON operators FOR EACH ROW
    EXECUTE FUNCTION aaa_notify_operator_changed();
  CREATE TRIGGER trg_operator_tokens_changed AFTER UPDATE OF operator_id, token_hash, expires_at, revoked_at ON operator_tokens
    FOR EACH ROW WHEN (OLD.operator_id IS DISTINCT FROM NEW.operator_id OR OLD.token_hash IS DISTINCT FROM NEW.token_hash
                       OR OLD.expires_at IS DISTINCT FROM NEW.expires_at OR OLD.revoked_at IS DISTINCT FROM NEW.revoked_at)
    EXECUTE FUNCTION aaa_notify_operator_changed();
  CREATE TRIGGER trg_operator_tokens_deleted AFTER DELETE ON operator_tokens FOR EACH ROW
    EXECUTE FUNCTION aaa_notify_operator_changed();
`;

const SQL_DOWN = `
  DROP TABLE operator_tokens;
  DROP TABLE operators;
  DROP FUNCTION aaa_notify_operator_changed();
`;

export class Operators1764420000000 implements MigrationInterface {
  name = 'Operators1764420000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(SQL_UP);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(SQL_DOWN);
  }
}
