import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { ConfigModule } from '#config';
import { NatsClientModule, NatsRequestContextInterceptor, RpcErrorFilter, rpcValidationPipe } from '#nats';
import { CacheModule } from './cache/cache.module.js';
import type { TasksEnv } from './config/tasks.env.js';
import { DatabaseModule, SERVICE_NAME } from './database/database.module.js';
import { PingHandler } from './health/ping.handler.js';
import { OutboxModule } from './outbox/outbox.module.js';
import { TasksModule } from './tasks/tasks.module.js';

@Module({})
export class AppModule {
  static register(env: TasksEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(env),
        // Requests to other services (auth-service's users.find before an assignment).
        NatsClientModule.forRoot({ servers: env.NATS_URL, name: SERVICE_NAME, requestTimeoutMs: env.NATS_REQUEST_TIMEOUT_MS }),
        DatabaseModule,
        CacheModule,
        OutboxModule,
        TasksModule,
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
