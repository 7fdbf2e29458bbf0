import { type DynamicModule, Module } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { AccessTokenModule } from '#auth';
import { ConfigModule } from '#config';
import { connectionCheck, HealthModule } from '#health';
import type { TrackedNatsServer } from '#nats';
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
        // Verifies the caller's token on every request (CallerGuard, put on each handler by @Handles).
        AccessTokenModule.forRoot({ publicKeys: env.JWT_PUBLIC_KEYS, ttlSeconds: env.JWT_ACCESS_TTL }),
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
              connectionCheck('nats', () => nats.isConnected()),
              connectionCheck('jetstream', () => consumer.isConnected()),
              { name: 'mongodb', check: () => connection.db?.admin().ping() ?? Promise.reject(new Error('not connected')) },
            ],
          }),
        }),
      ],
      controllers: [PingHandler],
    };
  }
}
