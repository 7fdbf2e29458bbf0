import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { ConfigModule } from '#config';
import { HealthModule } from '#health';
import { NatsRequestContextInterceptor, RpcErrorFilter, rpcValidationPipe, type TrackedNatsServer } from '#nats';
import type { EventsEnv } from './config/events.env.js';
import { DatabaseModule, SERVICE_NAME } from './database/database.module.js';
import { EventLogModule } from './event-log/event-log.module.js';
import { PingHandler } from './health/ping.handler.js';
import { IngestModule } from './ingest/ingest.module.js';
import { JetStreamEventConsumer } from './ingest/jetstream.consumer.js';
import { NotificationsModule } from './notifications/notifications.module.js';

@Module({})
export class AppModule {
  static register(env: EventsEnv, nats: TrackedNatsServer): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(env),
        DatabaseModule,
        EventLogModule,
        NotificationsModule,
        IngestModule,
        HealthModule.forRoot({
          service: SERVICE_NAME,
          inject: [getConnectionToken(), JetStreamEventConsumer],
          useFactory: (connection: Connection, consumer: JetStreamEventConsumer) => ({
            port: env.HEALTH_PORT,
            checks: [
              { name: 'nats', check: () => nats.isConnected() || Promise.reject(new Error('disconnected')) },
              { name: 'jetstream', check: () => consumer.isConnected() || Promise.reject(new Error('disconnected')) },
              { name: 'mongodb', check: () => connection.db?.admin().ping() ?? Promise.reject(new Error('not connected')) },
            ],
          }),
        }),
      ],
      controllers: [PingHandler],
      providers: [
        { provide: APP_FILTER, useClass: RpcErrorFilter },
        { provide: APP_INTERCEPTOR, useClass: NatsRequestContextInterceptor },
        { provide: APP_PIPE, useFactory: rpcValidationPipe },
      ],
    };
  }
}
