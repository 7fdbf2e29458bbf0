import { z } from 'zod';
import { baseEnv, healthEnv, jwtEnv, jwtRefreshEnv, jwtSigningEnv, natsEnv, postgresEnv, type EnvOf, type EnvPiece } from '#config';

const authEnv = (() => ({
  /** 12 in production (~160 ms a hash here); tests run with 4. */
  BCRYPT_ROUNDS: z.coerce.number().int().min(4).max(15).default(12),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(8).max(72).optional(),
})) satisfies EnvPiece;

export const authEnvSchema = [baseEnv, healthEnv(3011), natsEnv, postgresEnv, jwtEnv, jwtSigningEnv, jwtRefreshEnv, authEnv] as const;
export type AuthEnv = EnvOf<typeof authEnvSchema>;
