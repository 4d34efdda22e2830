import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log (audit/audit-log.service.ts writes it): append-only in the database.
 *
 * - A trigger refuses UPDATE and DELETE on every row (row triggers of a partitioned table
 *   are cloned onto each partition, so a DELETE aimed at a partition is refused too), and
 *   TRUNCATE on the table and on each partition (statement triggers are not cloned: each
 *   month gets its own when it is created).
 * - Old entries go only by retention (AUDIT_LOG_MONTHS), a whole month at a time, like
 *   session history: `audit_log` is partitioned by month of `at` (UTC), and
 *   `aaa_audit_drop_before()` drops the months past it. DROP TABLE is DDL: no row trigger
 *   fires, which is the point.
 * - Months are created apart and then attached (SHARE UPDATE EXCLUSIVE on the parent, so
 *   inserts go on), by the API ahead of time and again when an insert finds no month.
 *
 * No foreign keys: an entry outlives the operator, token or record it names. `customer`
 * actors (with `customer_id`) are for writes customers make themselves (the customer panel).
 */
const SQL_UP = `
  CREATE SEQUENCE audit_log_id_seq AS bigint;
  CREATE TABLE audit_log (
    id bigint NOT NULL DEFAULT nextval('audit_log_id_seq'),
    at timestamptz NOT NULL,
    actor_type text NOT NULL
      CONSTRAINT ck_audit_log_actor CHECK (actor_type IN ('operator', 'bootstrap', 'system', 'anonymous', 'customer')),
    operator_id uuid,
    customer_id uuid,
    actor_name text,
    token_id uuid,
    token_prefix text,
    source_ip inet,
    method text,
    path text,
    action text NOT NULL,
    target_type text,
    target_id text,
    changes jsonb,
    outcome text NOT NULL CONSTRAINT ck_audit_log_outcome CHECK (outcome IN ('ok', 'failed', 'denied')),
    status int,
    detail text,
    PRIMARY KEY (id, at)
  ) PARTITION BY RANGE (at);
  ALTER SEQUENCE audit_log_id_seq OWNED BY audit_log.id;
  CREATE INDEX ix_audit_log_at ON audit_log (at DESC, id DESC);
  CREATE INDEX ix_audit_log_operator ON audit_log (operator_id, at DESC) WHERE operator_id IS NOT NULL;
  CREATE INDEX ix_audit_log_target ON audit_log (target_id, at DESC) WHERE target_id IS NOT NULL;
  CREATE INDEX ix_audit_log_action ON audit_log (action, at DESC);

  CREATE FUNCTION aaa_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
  BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'Entries leave only by retention (AUDIT_LOG_MONTHS), a whole month at a time.';
  END $fn$;
  CREATE TRIGGER trg_audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION aaa_audit_log_append_only();
  CREATE TRIGGER trg_audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION aaa_audit_log_append_only();

  -- The partition for the UTC month holding p_at; a no-op when it exists.
  CREATE FUNCTION aaa_audit_partition(p_at timestamptz) RETURNS text LANGUAGE plpgsql AS $fn$
  DECLARE
    lo timestamp := date_trunc('month', p_at AT TIME ZONE 'UTC');
    name text := 'audit_log_p' || to_char(lo, 'YYYYMM');
  BEGIN
    IF to_regclass(name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I (LIKE audit_log INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name);
      EXECUTE format('CREATE TRIGGER trg_audit_log_no_truncate BEFORE TRUNCATE ON %I
                        FOR EACH STATEMENT EXECUTE FUNCTION aaa_audit_log_append_only()', name);
      EXECUTE format('ALTER TABLE audit_log ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                     name, lo AT TIME ZONE 'UTC', (lo + interval '1 month') AT TIME ZONE 'UTC');
    END IF;
    RETURN name;
  EXCEPTION WHEN duplicate_table OR duplicate_object OR unique_violation THEN
    -- Another instance created this month at the same moment.
    RETURN name;
  END $fn$;

  -- Drops the months that lie wholly before p_before; returns their names.
  CREATE FUNCTION aaa_audit_drop_before(p_before timestamptz) RETURNS SETOF text LANGUAGE plpgsql AS $fn$
  DECLARE
    v_name text;
  BEGIN
    FOR v_name IN
      SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'audit_log'::regclass AND c.relname ~ '^audit_log_p[0-9]{6}$'
         AND (to_date(substr(c.relname, 12), 'YYYYMM')::timestamp + interval '1 month') AT TIME ZONE 'UTC' <= p_before
       ORDER BY 1
    LOOP
      EXECUTE format('DROP TABLE %I', v_name);
      RETURN NEXT v_name;
    END LOOP;
  END $fn$;

  SELECT aaa_audit_partition(now());
`;

const SQL_DOWN = `
  DROP TABLE audit_log;
  DROP FUNCTION aaa_audit_drop_before(timestamptz);
  DROP FUNCTION aaa_audit_partition(timestamptz);
  DROP FUNCTION aaa_audit_log_append_only();
`;

export class AuditLog1764420000001 implements MigrationInterface {
  name = 'AuditLog1764420000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(SQL_UP);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(SQL_DOWN);
  }
}
