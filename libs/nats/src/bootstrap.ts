import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { maskEnv, type NatsRole } from '#config';
import { createLogger, PinoNestLogger } from '#logging';
import { createNatsServer, type NatsServerConfig, type TrackedNatsServer } from './server.js';

export interface NatsServiceEnv extends NatsServerConfig {
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/**
 * Starts a NATS-only service: JSON logs, the queue-group server, and a shutdown that drains
 * on SIGTERM/SIGINT and exits 0 (Nest would otherwise re-raise the signal).
 */
export async function startNatsService<Env extends NatsServiceEnv>(
  service: NatsRole,
  env: Env,
  rootModule: (nats: TrackedNatsServer) => DynamicModule,
): Promise<void> {
  const logger = createLogger(service, env.LOG_LEVEL);
  logger.info({ config: maskEnv(env as unknown as Record<string, unknown>) }, 'Starting');
  const nats = createNatsServer(env, service);
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(rootModule(nats), { strategy: nats, logger: new PinoNestLogger(logger) });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  // A drain stuck behind a backlog (bcrypt work the gateway already gave up on) must not
  // outlive the orchestrator's grace period: leave non-zero, visibly, instead of being killed.
  process.once('SIGTERM', () => setTimeout(() => process.exit(1), env.SHUTDOWN_GRACE_MS * 2).unref());
  await app.listen();
  logger.info('Listening on NATS');
}
