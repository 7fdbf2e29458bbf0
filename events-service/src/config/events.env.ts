import { z } from 'zod';
import { baseEnv, healthEnv, jwtEnv, mongoEnv, natsEnv, jetStreamEnv, type EnvOf, type EnvPiece } from '#config';

const eventsEnv = (() => ({
  /** Event-log entries are removed by a MongoDB TTL index this many days after they were logged. */
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36500).default(90),
  /** Deliveries of one JetStream message before it is parked in `dead_letters`. */
  EVENTS_MAX_DELIVER: z.coerce.number().int().min(1).max(100).default(5),
})) satisfies EnvPiece;

export const eventsEnvSchema = [baseEnv, healthEnv(3013), natsEnv, jetStreamEnv, mongoEnv, jwtEnv, eventsEnv] as const;
export type EventsEnv = EnvOf<typeof eventsEnvSchema>;
