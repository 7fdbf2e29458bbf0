import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { maskEnv } from '#config';
import { createRealtimeApp } from './app.js';
import type { RealtimeEnv } from './config/realtime.env.js';

/** realtime-service listening on NATS and on PORT; signals are the caller's (main.ts, or the one-process mode). */
export async function bootstrapRealtimeService(env: RealtimeEnv): Promise<NestFastifyApplication> {
  const app = await createRealtimeApp(env);
  const logger = new Logger('Bootstrap');
  logger.log({ config: maskEnv(env) }, 'Starting');
  // NATS first: once the port answers /health, this replica also serves ping and presence.
  await app.startAllMicroservices();
  await app.listen({ port: env.PORT, host: '0.0.0.0' });
  logger.log(`Realtime service listening on port ${env.PORT} (Socket.IO namespace /tasks) and on NATS`);
  return app;
}
