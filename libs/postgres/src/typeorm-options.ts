import type { DataSourceOptions } from 'typeorm';
import { postgresConnection, type PostgresConfig } from '#config';

export interface ServiceDatabase {
  /** Used for the migrations table and the migration lock, so services can share one database. */
  service: string;
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
}

/** Schema changes only through migrations, never `synchronize`. */
export function typeOrmOptions(env: PostgresConfig, db: ServiceDatabase): DataSourceOptions {
  return {
    type: 'postgres',
    ...postgresConnection(env),
    entities: db.entities,
    migrations: db.migrations,
    migrationsTableName: `${db.service.replace(/\W/g, '_')}_migrations`,
    migrationsRun: false,
    synchronize: false,
    // Off: TypeORM would print failing queries with their parameters (password hashes included).
    logging: false,
    applicationName: db.service,
    extra: { max: 20, connectionTimeoutMillis: 5000 },
  };
}
