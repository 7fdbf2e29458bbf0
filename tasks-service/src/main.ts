import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { loadEnvOrExit, maskEnv } from '#config';
import { createLogger, PinoNestLogger } from '#logging';
import { createNatsServer } from '#nats';
import { AppModule } from './app.module.js';
import { tasksEnvSchema } from './config/tasks.env.js';
import { SERVICE_NAME } from './database/database.module.js';

const env = loadEnvOrExit(tasksEnvSchema, process.env);
const logger = createLogger(SERVICE_NAME, env.LOG_LEVEL);
logger.info({ config: maskEnv(env) }, 'Starting');
const nats = createNatsServer(env, SERVICE_NAME);
const app = await NestFactory.createMicroservice<MicroserviceOptions>(AppModule.register(env, nats), {
  strategy: nats,
  logger: new PinoNestLogger(logger),
});
// useProcessExit: exit 0 once drained, instead of re-raising the signal.
app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
await app.listen();
logger.info('Listening on NATS');
