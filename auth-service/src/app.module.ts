import { type DynamicModule, Module } from '@nestjs/common';
import { AccessTokenModule } from '#auth';
import { ConfigModule } from '#config';
import { connectionCheck, HealthModule, sqlCheck } from '#health';
import { OutboxModule } from '#outbox';
import { natsConnectionOptions, type TrackedNatsServer } from '#nats';
import { DataSource } from 'typeorm';
import { AuthModule } from './auth/auth.module.js';
import type { AuthEnv } from './config/auth.env.js';
import { DatabaseModule, SERVICE_NAME } from './database/database.module.js';
import { AUTH_EVENTS_STREAM_CONFIG, AUTH_OUTBOX_TABLE, authEventOrderingKey } from './events/auth-events.js';
import { PingHandler } from './health/ping.handler.js';

@Module({})
export class AppModule {
  static register(env: AuthEnv, nats: TrackedNatsServer): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(env),
        AccessTokenModule.forRoot({ publicKeys: env.JWT_PUBLIC_KEYS, ttlSeconds: env.JWT_ACCESS_TTL, signingKey: env.JWT_SIGNING_KEY }),
        DatabaseModule,
        OutboxModule.forRoot({
          useFactory: () => ({
            connection: natsConnectionOptions(env, SERVICE_NAME, `${SERVICE_NAME}-outbox`),
            table: AUTH_OUTBOX_TABLE,
            stream: AUTH_EVENTS_STREAM_CONFIG,
            replicas: env.EVENT_STREAM_REPLICAS,
            pollMs: 1000,
            orderingKey: authEventOrderingKey,
          }),
        }),
        AuthModule,
        HealthModule.forRoot({
          service: SERVICE_NAME,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => ({
            port: env.HEALTH_PORT,
            checks: [
              connectionCheck('nats', () => nats.isConnected()),
              sqlCheck('postgres', dataSource),
            ],
          }),
        }),
      ],
      controllers: [PingHandler],
    };
  }
}
