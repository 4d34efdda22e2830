import { DataSourceOptions } from 'typeorm';
import { AAA_ENTITIES, ConnectGate, gatedClient } from '@app/aaa';
import { PANEL_ENTITIES } from '@app/panel';
import { VOUCHER_ENTITIES } from '@app/vouchers';
import { MIGRATIONS } from './migrations';

/** A connect that hangs (frozen server, lost SYN) fails after this long instead of holding a request forever. */
export const POOL_CONNECT_TIMEOUT_MS = 3000;

export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [...AAA_ENTITIES, ...PANEL_ENTITIES, ...VOUCHER_ENTITIES],
    migrations: MIGRATIONS,
    migrationsRun: true,
    // Schema changes only ever go through committed migrations.
    synchronize: false,
    extra: {
      max: 20,
      application_name: 'radius-backend',
      // Also bounds the wait for a free connection when all 20 are busy.
      connectionTimeoutMillis: POOL_CONNECT_TIMEOUT_MS,
      // A server that vanished without closing the connection (host down, network cut) is noticed.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      // While the database is down: one connection attempt at a time, with backoff, instead of one per query.
      Client: gatedClient(new ConnectGate('pool')),
    },
  };
}
