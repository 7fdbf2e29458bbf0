import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { maskEnv } from '#config';
import { createRealtimeApp } from './app.js';
import type { RealtimeEnv } from './config/realtime.env.js';

/**
 * realtime-service listening on NATS and on PORT at `host` (the one-process mode keeps it on
 * loopback behind the gateway's /socket.io proxy); signals are the caller's.
 */
export async function bootstrapRealtimeService(env: RealtimeEnv, host = '0.0.0.0'): Promise<NestFastifyApplication> {
  const app = await createRealtimeApp(env);
  const logger = new Logger('Bootstrap');
  logger.log({ config: maskEnv(env) }, 'Starting');
  // NATS first: once the port answers /health, this replica also serves ping and presence.
  await app.startAllMicroservices();
  await app.listen({ port: env.PORT, host });
  logger.log(`Realtime service listening on port ${env.PORT} (Socket.IO namespace /tasks) and on NATS`);
  return app;
}
