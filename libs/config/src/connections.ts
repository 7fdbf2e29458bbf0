/** Connection settings derived from validated config, so adapters never read raw variables. */
export interface PostgresConfig {
  DATABASE_URL?: string;
  DATABASE_HOST?: string;
  DATABASE_PORT: number;
  DATABASE_USERNAME: string;
  DATABASE_PASSWORD?: string;
  DATABASE_NAME: string;
  DATABASE_SSL: boolean;
}

export function postgresConnection(env: PostgresConfig) {
  const ssl = env.DATABASE_SSL ? { rejectUnauthorized: true } : false;
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, ssl };
  return {
    host: env.DATABASE_HOST,
    port: env.DATABASE_PORT,
    username: env.DATABASE_USERNAME,
    password: env.DATABASE_PASSWORD,
    database: env.DATABASE_NAME,
    ssl,
  };
}

export interface RedisConfig {
  REDIS_URL?: string;
  REDIS_HOST?: string;
  REDIS_PORT: number;
  REDIS_PASSWORD?: string;
}

export function redisConnection(env: RedisConfig): { url: string } | { host: string; port: number; password?: string } {
  if (env.REDIS_URL) return { url: env.REDIS_URL };
  return { host: env.REDIS_HOST ?? '127.0.0.1', port: env.REDIS_PORT, password: env.REDIS_PASSWORD };
}
