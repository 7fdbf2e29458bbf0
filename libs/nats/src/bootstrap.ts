import type { DynamicModule, INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { maskEnv, type NatsRole } from '#config';
import { createLogger, PinoNestLogger } from '#logging';
import { createNatsServer, type NatsServerConfig, type TrackedNatsServer } from './server.js';

export interface NatsServiceEnv extends NatsServerConfig {
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/**
 * Starts a NATS-only service (JSON logs, the queue-group server) and returns it listening,
 * without touching signals: the caller decides how the process stops (a service's own main.ts
 * with exitOnSignals, or the one-process mode that stops five services in order).
 */
export async function createNatsService<Env extends NatsServiceEnv>(
  service: NatsRole,
  env: Env,
  rootModule: (nats: TrackedNatsServer) => DynamicModule,
): Promise<INestMicroservice> {
  const logger = createLogger(service, env.LOG_LEVEL);
  logger.info({ config: maskEnv(env as unknown as Record<string, unknown>) }, 'Starting');
  const nats = createNatsServer(env, service);
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(rootModule(nats), { strategy: nats, logger: new PinoNestLogger(logger) });
  await app.listen();
  logger.info('Listening on NATS');
  return app;
}
