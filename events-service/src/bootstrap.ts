import type { INestMicroservice } from '@nestjs/common';
import { createNatsService } from '#nats';
import { AppModule } from './app.module.js';
import type { EventsEnv } from './config/events.env.js';
import { SERVICE_NAME } from './database/database.module.js';

/** events-service listening on NATS (its queue group, its own role's credentials); signals are the caller's. */
export function bootstrapEventsService(env: EventsEnv): Promise<INestMicroservice> {
  return createNatsService(SERVICE_NAME, env, (nats) => AppModule.register(env, nats));
}
