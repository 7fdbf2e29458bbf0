import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_BYTES } from '#contracts';
import { baseEnv, healthEnv, jwtEnv, jwtRefreshEnv, jwtSigningEnv, natsEnv, jetStreamEnv, postgresEnv, type EnvOf, type EnvPiece } from '#config';

const authEnv = (() => ({
  /** 12 in production (~160 ms a hash here); tests run with 4. */
  BCRYPT_ROUNDS: z.coerce.number().int().min(4).max(15).default(12),
  /**
   * Hashes at once. They run on libuv's thread pool (UV_THREADPOOL_SIZE, 4 by default, shared
   * with DNS and file work): more than the cores only lengthens each hash.
   */
  HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(Math.min(4, availableParallelism())),
  /** Hashes that may wait for a slot; beyond it, and beyond what fits a request's deadline: 503. */
  HASH_QUEUE_MAX: z.coerce.number().int().min(0).max(10_000).default(64),
  /**
   * The longest a sign-in may be expected to wait for a slot; beyond it: 503 at once. Bounds
   * the work queued behind a burst, so the first sign-in after it is served within about this.
   */
  HASH_MAX_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  ADMIN_EMAIL: z.email().optional(),
  // Bytes, not characters: bcrypt would silently drop whatever lies past byte 72.
  ADMIN_PASSWORD: z
    .string()
    .refine((value) => Buffer.byteLength(value) >= PASSWORD_MIN_BYTES && Buffer.byteLength(value) <= PASSWORD_MAX_BYTES, {
      message: `must be ${PASSWORD_MIN_BYTES}-${PASSWORD_MAX_BYTES} bytes long`,
    })
    .refine((value) => !value.includes('\u0000'), { message: 'must not contain NUL characters' })
    .optional(),
  /**
   * A refresh token used again this soon after its rotation gets the same successor instead
   * of revoking the login (two tabs refreshing at once; RFC 9700 §4.14.2). 0 turns it off.
   */
  REFRESH_REUSE_GRACE_S: z.coerce.number().int().min(0).max(60).default(10),
})) satisfies EnvPiece;

export const authEnvSchema = [baseEnv, healthEnv(3011), natsEnv, jetStreamEnv, postgresEnv, jwtEnv, jwtSigningEnv, jwtRefreshEnv, authEnv] as const;
export type AuthEnv = EnvOf<typeof authEnvSchema>;
