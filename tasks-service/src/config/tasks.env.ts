import { z } from 'zod';
import { baseEnv, devDefault, healthEnv, jwtEnv, natsEnv, jetStreamEnv, postgresEnv, redisEnv, secretValue, type EnvOf, type EnvPiece } from '#config';

const tasksEnv = ((ctx) => ({
  /** How long a cached list page lives; writes make stale pages unreachable at once anyway. */
  TASK_LIST_CACHE_TTL_S: z.coerce.number().int().min(1).max(86400).default(60),
  /** Signs list cursors (HMAC-SHA256), so a client cannot forge a position. */
  CURSOR_SECRET: devDefault(secretValue(ctx), 'dev-only-cursor-secret-change-me-0123456789', ctx),
  /** Outbox relay poll interval; a local write wakes it at once. */
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60000).default(1000),
})) satisfies EnvPiece;

export const tasksEnvSchema = [baseEnv, healthEnv(3012), natsEnv, jetStreamEnv, postgresEnv, redisEnv, jwtEnv, tasksEnv] as const;
export type TasksEnv = EnvOf<typeof tasksEnvSchema>;
