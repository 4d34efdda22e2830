import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A router whose WebSocket token changes, or which is deleted, must lose its live socket on
 * whichever API instance holds it (libs/router-rpc `ws/router-revocation.ts` listens).
 * A trigger, not application code, so a rotation through any instance and an operator's
 * `UPDATE routers SET token_hash = …` in psql revoke alike.
 *
 * Payload: `{"routerId": "<uuid>", "reason": "token" | "deleted"}`. Only the id leaves the
 * database, never the hash.
 */
const SQL_UP = `
  CREATE FUNCTION aaa_notify_router_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify('aaa_router_revoked', json_build_object(
      'routerId', OLD.id, 'reason', CASE WHEN TG_OP = 'DELETE' THEN 'deleted' ELSE 'token' END)::text);
    RETURN NULL;
  END $$;

  CREATE TRIGGER trg_routers_token_changed AFTER UPDATE OF token_hash ON routers FOR EACH ROW
    WHEN (OLD.token_hash IS DISTINCT FROM NEW.token_hash)
    EXECUTE FUNCTION aaa_notify_router_revoked();
  CREATE TRIGGER trg_routers_deleted AFTER DELETE ON routers FOR EACH ROW
    EXECUTE FUNCTION aaa_notify_router_revoked();
`;

const SQL_DOWN = `
  DROP TRIGGER IF EXISTS trg_routers_deleted ON routers;
  DROP TRIGGER IF EXISTS trg_routers_token_changed ON routers;
  DROP FUNCTION IF EXISTS aaa_notify_router_revoked();
`;

export class RouterRevokeNotify1764340000000 implements MigrationInterface {
  name = 'RouterRevokeNotify1764340000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(SQL_UP);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(SQL_DOWN);
  }
}
