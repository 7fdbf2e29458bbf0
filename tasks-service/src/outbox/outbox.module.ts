import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_ENV } from '#config';
import type { TasksEnv } from '../config/tasks.env.js';
import { SERVICE_NAME } from '../database/database.module.js';
import { OutboxRelay } from './outbox.relay.js';
import { OutboxSignal } from './outbox.signal.js';

@Global()
@Module({
  providers: [
    OutboxSignal,
    {
      provide: OutboxRelay,
      inject: [DataSource, OutboxSignal, APP_ENV],
      useFactory: (dataSource: DataSource, signal: OutboxSignal, env: TasksEnv) =>
        new OutboxRelay(dataSource, signal, { servers: env.NATS_URL, name: `${SERVICE_NAME}-outbox`, pollMs: env.OUTBOX_POLL_MS }),
    },
  ],
  exports: [OutboxSignal],
})
export class OutboxModule {}
