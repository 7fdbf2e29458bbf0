import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger, PinoNestLogger, REQUEST_ID_HEADER, sanitizeRequestId } from '#logging';
import { natsServerOptions } from '#nats';
import { AppModule } from './app.module.js';
import { SERVICE_NAME, type RealtimeEnv } from './config/realtime.env.js';
import { HttpErrorFilter } from './http/http-error.filter.js';
import { applySecurityHeaders } from './http/security-headers.js';
import { REDIS_ADAPTER_CLIENTS, type RedisAdapterClients } from './redis/redis.module.js';
import { RealtimeIoAdapter } from './socket/realtime-io.adapter.js';
import { closeConnectionsWhileDraining } from '#health';

/**
 * A hybrid app: HTTP (probes, metrics) and Socket.IO on one Fastify server (PORT), plus a
 * NATS microservice in the `realtime-service` queue group (ping, presence). Not listening yet.
 */
export async function createRealtimeApp(env: RealtimeEnv): Promise<NestFastifyApplication> {
  const logger = createLogger(SERVICE_NAME, env.LOG_LEVEL);
  const adapter = new FastifyAdapter({
    logger: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => sanitizeRequestId(req.headers[REQUEST_ID_HEADER]),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(env), adapter, { logger: new PinoNestLogger(logger) });
  closeConnectionsWhileDraining(app.getHttpAdapter().getInstance());
  app.getHttpAdapter().getInstance().addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  app.useWebSocketAdapter(new RealtimeIoAdapter(app, { corsOrigin: env.CORS_ORIGIN, redis: app.get<RedisAdapterClients>(REDIS_ADAPTER_CLIENTS) }));
  app.useGlobalFilters(new HttpErrorFilter());
  app.connectMicroservice<MicroserviceOptions>(natsServerOptions(env, SERVICE_NAME));
  // Initialised here, before the microservice starts: otherwise its start-up can race the HTTP
  // init, and Fastify refuses the body parsers Nest adds late (FST_ERR_CTP_INSTANCE_ALREADY_STARTED).
  await app.init();
  // After init: Socket.IO has attached to the server by now (see applySecurityHeaders).
  applySecurityHeaders(app.getHttpServer());
  new Logger('Bootstrap').log('Realtime service configured');
  return app;
}
