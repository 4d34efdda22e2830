import { DataSourceOptions } from 'typeorm';
import { AAA_ENTITIES } from '@app/aaa';
import { MIGRATIONS } from './migrations';

export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: AAA_ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    // Schema changes only ever go through committed migrations.
    synchronize: false,
    extra: { max: 20, application_name: 'radius-backend' },
  };
}
