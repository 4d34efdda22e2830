import type { Pool, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';

/**
 * The RADIUS hot path talks to node-postgres directly (TypeORM's query() adds a query
 * runner and subscriber broadcast per call). Same pool, connections and errors.
 *
 * Statements stay unnamed on purpose: a named (prepared) statement keeps its generic
 * plan for the life of the connection, and one planned while `sessions` was empty
 * seq-scanned it on every packet afterwards (seen in the bench). The callers batch
 * many packets per statement instead, so planning is paid once per batch.
 */
export function pgPool(db: DataSource): Pool {
  return (db.driver as unknown as { master: Pool }).master;
}

export async function rawQuery<R extends QueryResultRow>(db: DataSource, text: string, values: unknown[]): Promise<R[]> {
  const res = await pgPool(db).query<R>(text, values);
  return res.rows;
}
