import { type DynamicModule, Module } from '@nestjs/common';
import { AccessTokenModule } from '#auth';
import { ConfigModule } from '#config';
import { connectionCheck, HealthModule, sqlCheck } from '#health';
import { natsConnectionOptions, NatsClientModule, type TrackedNatsServer } from '#nats';
import { OutboxModule } from '#outbox';
import { DataSource } from 'typeorm';
import { CacheModule } from './cache/cache.module.js';
import type { TasksEnv } from './config/tasks.env.js';
import { DatabaseModule, SERVICE_NAME } from './database/database.module.js';
import { PingHandler } from './health/ping.handler.js';
import { StreamSubjects } from './outbox/stream-subjects.js';
import { TASK_EVENTS_STREAM_CONFIG, taskEventOrderingKey, TASKS_OUTBOX_TABLE } from './outbox/task-events.outbox.js';
import { CommentsModule } from './comments/comments.module.js';
import { ProjectsModule } from './projects/projects.module.js';
import { TasksModule } from './tasks/tasks.module.js';

@Module({})
export class AppModule {
  static register(env: TasksEnv, nats: TrackedNatsServer): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(env),
        // Requests to other services (auth-service's users.find before an assignment).
        NatsClientModule.forRoot({ connection: natsConnectionOptions(env, SERVICE_NAME), requestTimeoutMs: env.NATS_REQUEST_TIMEOUT_MS }),
        // Verifies the caller's token on every request (CallerGuard, put on each handler by @Handles).
        AccessTokenModule.forRoot({ publicKeys: env.JWT_PUBLIC_KEYS, ttlSeconds: env.JWT_ACCESS_TTL }),
        DatabaseModule,
        CacheModule,
        OutboxModule.forRoot({
          useFactory: () => ({
            connection: natsConnectionOptions(env, SERVICE_NAME, `${SERVICE_NAME}-outbox`),
            table: TASKS_OUTBOX_TABLE,
            stream: TASK_EVENTS_STREAM_CONFIG,
            replicas: env.EVENT_STREAM_REPLICAS,
            pollMs: env.OUTBOX_POLL_MS,
            orderingKey: taskEventOrderingKey,
          }),
        }),
        // Redis is not a readiness check: without it the service serves uncached.
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
        TasksModule,
        ProjectsModule,
        CommentsModule,
      ],
      controllers: [PingHandler],
      providers: [StreamSubjects],
    };
  }
}
