import { z } from 'zod';
import { baseEnv, corsEnv, httpEnv, jwtEnv, natsEnv, jetStreamEnv, redisEnv, type EnvOf, type EnvPiece } from '#config';

export const SERVICE_NAME = 'realtime-service';

const realtimeEnv = (() => ({
  /**
   * A socket's presence lives this long in Redis unless its replica refreshes it (every
   * half of it): a crashed replica's users fall out of presence after at most this time.
   */
  PRESENCE_TTL_S: z.coerce.number().int().min(2).max(3600).default(60),
})) satisfies EnvPiece;

export const realtimeEnvSchema = [baseEnv, httpEnv(3002), natsEnv, jetStreamEnv, redisEnv, jwtEnv, corsEnv, realtimeEnv] as const;
export type RealtimeEnv = EnvOf<typeof realtimeEnvSchema>;
