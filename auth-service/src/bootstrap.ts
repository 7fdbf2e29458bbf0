import type { INestMicroservice } from '@nestjs/common';
import { createNatsService } from '#nats';
import { AppModule } from './app.module.js';
import type { AuthEnv } from './config/auth.env.js';
import { SERVICE_NAME } from './database/database.module.js';

/** auth-service listening on NATS (its queue group, its own role's credentials); signals are the caller's. */
export function bootstrapAuthService(env: AuthEnv): Promise<INestMicroservice> {
  return createNatsService(SERVICE_NAME, env, (nats) => AppModule.register(env, nats));
}
