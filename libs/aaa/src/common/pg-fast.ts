import type { Pool, QueryConfig, QueryResultRow } from 'pg';
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

/**
 * The longest a hot-path statement (authorize lookups, an accounting batch, the small
 * reads and writes beside them) may wait for its answer. They take milliseconds; a
 * connection whose peer vanished without FIN or RST (a firewall or NAT that lost the
 * flow) would otherwise hold its statement, and every lookup or batch queued behind it,
 * until TCP gives up after about 15 minutes. On timeout node-postgres fails the query and
 * pg-pool destroys the client it was released with, so the next one gets a fresh connection.
 */
export const HOT_QUERY_TIMEOUT_MS = 3000;

/** A statement with the hot-path timeout (`query_timeout` is node-postgres's; its types omit it). */
export function hotQuery(text: string, values: unknown[]): QueryConfig {
  return { text, values, query_timeout: HOT_QUERY_TIMEOUT_MS } as QueryConfig;
}

export async function rawQuery<R extends QueryResultRow>(db: DataSource, text: string, values: unknown[]): Promise<R[]> {
  const res = await pgPool(db).query<R>(hotQuery(text, values));
  return res.rows;
}
