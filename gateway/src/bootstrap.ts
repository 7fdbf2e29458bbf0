import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createGatewayApp } from './app.js';
import type { GatewayEnv } from './config/gateway.env.js';

/** The gateway listening on PORT; signals are the caller's (main.ts, or the one-process mode). */
export async function bootstrapGateway(env: GatewayEnv): Promise<NestFastifyApplication> {
  const app = await createGatewayApp(env);
  await app.listen({ port: env.PORT, host: '0.0.0.0' });
  new Logger('Bootstrap').log(`Gateway listening on port ${env.PORT}`);
  return app;
}
