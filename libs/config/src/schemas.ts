import { z } from 'zod';
import type { EnvContext, EnvPiece } from './env.js';
import { DEVELOPMENT_SIGNING_KEY, isDevelopmentKey, privateSigningKey, publicHalf, publicKeySet } from './signing-keys.js';
import { isDevelopmentNatsSeed } from './nats-credentials.js';

/** A default that applies outside production only: production must say everything. */
export function devDefault<T extends z.ZodType>(schema: T, value: z.input<T>, ctx: EnvContext) {
  return ctx.production ? schema : schema.prefault(value as never);
}

export const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const boolFlag = z.enum(['true', 'false']).transform((v) => v === 'true');
/**
 * Comma-separated URLs; a bare `host:port` gets `defaultScheme` (PaaS private-network
 * references, e.g. Render's `hostport`, have no scheme).
 */
const urlList = (protocols: string[], defaultScheme = protocols[0]) =>
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((u) => (/^[\w.-]+:\d+$/.test(u) ? `${defaultScheme}://${u}` : u)),
    )
    .pipe(
      z
        .array(z.string().refine((u) => protocols.some((p) => u.startsWith(`${p}://`)), `must be ${protocols.join(' or ')} URLs`))
        .min(1),
    );

/** '15m', '7d', '30s', '2h' → seconds. */
export const duration = z
  .string()
  .regex(/^\d+[smhd]$/, 'must be a duration like 30s, 15m, 12h or 7d')
  .transform((v) => Number(v.slice(0, -1)) * { s: 1, m: 60, h: 3600, d: 86400 }[v.slice(-1) as 's' | 'm' | 'h' | 'd']);

export const baseEnv = (() => ({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How long SIGTERM waits for in-flight work before closing connections. */
  SHUTDOWN_GRACE_MS: positiveInt.default(5000),
})) satisfies EnvPiece;

/** Port of the /health, /health/ready and /metrics server of a NATS-only service (0: any free port). */
export const healthEnv = (defaultPort: number) => (() => ({ HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort) })) satisfies EnvPiece;

export const httpEnv = (defaultPort: number) => (() => ({ PORT: port.default(defaultPort) })) satisfies EnvPiece;

/** An nkey user seed: 'SU' and 56 more base32 characters. */
const nkeyUserSeed = z
  .string()
  .transform((v) => v.trim())
  .pipe(z.string().regex(/^SU[A-Z2-7]{56}$/, 'must be an nkey user seed (SU…, 58 characters; scripts/nats-nkey.mjs makes one)'));

/**
 * NATS connection and credentials. One of NATS_NKEY_SEED (preferred), NATS_CREDS_FILE or
 * NATS_USER + NATS_PASSWORD; outside production a service without any uses its role's
 * development seed (libs/nats natsConnectionOptions). In production none at all, or a seed
 * published in this repository, is refused (loadEnv, and the refinement below).
 */
export const natsEnv = ((ctx) => ({
  NATS_URL: devDefault(urlList(['nats', 'tls', 'ws', 'wss']), 'nats://127.0.0.1:4222', ctx),
  NATS_REQUEST_TIMEOUT_MS: positiveInt.default(5000),
  NATS_NKEY_SEED: (ctx.production
    ? nkeyUserSeed.refine((seed) => !isDevelopmentNatsSeed(seed), 'is a development seed published in the repository; issue this service its own nkey')
    : nkeyUserSeed
  ).optional(),
  /** A decentralized-auth (JWT) creds file, as `nsc` writes it. */
  NATS_CREDS_FILE: z.string().optional(),
  NATS_USER: z.string().optional(),
  NATS_PASSWORD: z.string().optional(),
  NATS_TLS_CA_FILE: z.string().optional(),
  NATS_TLS_CERT_FILE: z.string().optional(),
  NATS_TLS_KEY_FILE: z.string().optional(),
})) satisfies EnvPiece;

/**
 * JetStream replication of the event streams and their durable consumers (issue 17): 1 on a
 * single server, 3 on a three-node cluster (the production overlay), so losing one node loses
 * no event and stops no consumer. Applied when a stream or consumer is created; an existing one
 * keeps what it has (a mismatch is logged at start-up: README "Running on a NATS cluster").
 */
export const jetStreamEnv = (() => ({
  EVENT_STREAM_REPLICAS: z.coerce.number().int().min(1, 'must be 1 to 5').max(5, 'must be 1 to 5 (JetStream keeps at most 5 replicas)').default(1),
})) satisfies EnvPiece;

export const postgresEnv = ((ctx) => ({
  DATABASE_URL: z.string().refine((u) => /^postgres(ql)?:\/\//.test(u), 'must be a postgres:// URL').optional(),
  DATABASE_HOST: devDefault(z.string(), '127.0.0.1', ctx).optional(),
  DATABASE_PORT: port.default(5432),
  DATABASE_USERNAME: z.string().default('postgres'),
  DATABASE_PASSWORD: z.string().optional(),
  DATABASE_NAME: z.string().default('taskflow'),
  DATABASE_SSL: boolFlag.default(false),
})) satisfies EnvPiece;

export const redisEnv = ((ctx) => ({
  REDIS_URL: z.string().refine((u) => /^rediss?:\/\//.test(u), 'must be a redis:// or rediss:// URL').optional(),
  REDIS_HOST: devDefault(z.string(), '127.0.0.1', ctx).optional(),
  REDIS_PORT: port.default(6379),
  REDIS_PASSWORD: z.string().optional(),
  /**
   * A Redis command not answered within this time counts as a failure and opens the client's
   * circuit: until a background PING succeeds, callers skip Redis at once (libs/redis).
   */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().positive().default(100),
  /** While the circuit is open, how often a PING checks whether Redis answers again. */
  REDIS_PROBE_INTERVAL_MS: z.coerce.number().int().positive().default(500),
})) satisfies EnvPiece;

/**
 * Values that stand in the repository (development defaults, compose and Kubernetes
 * placeholders, examples, tests, benchmarks): public, so production refuses them.
 */
export const PUBLISHED_SECRETS: ReadonlySet<string> = new Set([
  'dev-only-refresh-secret-change-me-012345678',
  'dev-only-cursor-secret-change-me-0123456789',
  'dev-only-jwt-refresh-secret-do-not-use-in-production',
  'dev-only-cursor-secret-do-not-use-in-production',
  'local-development-refresh-secret-change-me',
  'local-development-cursor-secret-change-me',
  'test-refresh-secret-0123456789-012345678',
  'test-cursor-secret-0123456789-0123456789',
  'bench-refresh-secret-0123456789-012345678',
]);
const PLACEHOLDER = /change[-_ ]?me|replace[-_ ]?me|do[-_]not[-_]use|dev[-_]only|example|placeholder/i;

/** Shannon entropy of the characters, in bits: a rough floor of how guessable a secret is. */
export function estimatedEntropyBits(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let perChar = 0;
  for (const count of counts.values()) perChar -= (count / value.length) * Math.log2(count / value.length);
  return perChar * value.length;
}

/** 32+ characters everywhere; in production also unpublished and random-looking (≥ 128 bits). */
export function secretValue(ctx: EnvContext) {
  const secret = z.string().min(32, 'must be at least 32 characters');
  if (!ctx.production) return secret;
  return secret
    .refine((v) => !PUBLISHED_SECRETS.has(v) && !PLACEHOLDER.test(v), 'is a value published in the repository; generate your own (openssl rand -base64 48)')
    .refine((v) => estimatedEntropyBits(v) >= 128, 'does not look random (needs about 128 bits); generate it with openssl rand -base64 48');
}

/** Everyone who checks access tokens: the public keys (JWKS) and the lifetime tokens may have. */
export const jwtEnv = ((ctx) => ({
  JWT_PUBLIC_KEYS: ctx.production
    ? publicKeySet.refine((keys) => !keys.some(isDevelopmentKey), 'contains the development key from the repository; generate your own (npm run keys)')
    : publicKeySet.prefault(JSON.stringify({ keys: [publicHalf(DEVELOPMENT_SIGNING_KEY)] })),
  JWT_ACCESS_TTL: duration.prefault('15m'),
})) satisfies EnvPiece;

/** auth-service alone: the private key that signs access tokens. */
export const jwtSigningEnv = ((ctx) => ({
  JWT_SIGNING_KEY: ctx.production
    ? privateSigningKey.refine((key) => !isDevelopmentKey(key), 'is the development key from the repository; generate your own (npm run keys)')
    : privateSigningKey.prefault(JSON.stringify(DEVELOPMENT_SIGNING_KEY)),
})) satisfies EnvPiece;

export const jwtRefreshEnv = ((ctx) => ({
  JWT_REFRESH_SECRET: devDefault(secretValue(ctx), 'dev-only-refresh-secret-change-me-012345678', ctx),
  JWT_REFRESH_TTL: duration.prefault('7d'),
})) satisfies EnvPiece;

export const corsEnv = ((ctx) => ({
  CORS_ORIGIN: devDefault(
    z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
    'http://localhost:3000,http://localhost:5173',
    ctx,
  ),
})) satisfies EnvPiece;


export const mongoEnv = ((ctx) => ({
  MONGODB_URI: devDefault(
    z.string().refine((u) => /^mongodb(\+srv)?:\/\/[^/\s]+/.test(u), 'must be a mongodb:// or mongodb+srv:// URL'),
    'mongodb://127.0.0.1:27017/taskflow',
    ctx,
  ),
})) satisfies EnvPiece;
