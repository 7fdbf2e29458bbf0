import { Module, type OnModuleInit } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { APP_ENV } from '#config';
import type { EventsEnv } from '../config/events.env.js';
import { EventLog, EventLogSchema } from '../event-log/event-log.schema.js';
import { DeadLetter, DeadLetterSchema } from '../ingest/dead-letter.schema.js';
import { Notification, NotificationSchema } from '../notifications/notification.schema.js';
import { EventIndexes } from './event-indexes.js';

export const SERVICE_NAME = 'events-service';

const models = MongooseModule.forFeature([
  { name: EventLog.name, schema: EventLogSchema },
  { name: Notification.name, schema: NotificationSchema },
  { name: DeadLetter.name, schema: DeadLetterSchema },
]);

/**
 * MongoDB for the event log, notifications and dead letters. Collections and indexes are
 * never created implicitly (autoCreate/autoIndex off): start-up creates every index
 * explicitly before the service takes work, and EventIndexes creates them again if the
 * database comes back without them.
 */
@Module({
  imports: [
    MongooseModule.forRootAsync({
      inject: [APP_ENV],
      useFactory: (env: EventsEnv) => ({
        uri: env.MONGODB_URI,
        appName: SERVICE_NAME,
        autoCreate: false,
        autoIndex: false,
        serverSelectionTimeoutMS: 5000,
        // Start-up waits for MongoDB this long (10 × 2 s) before giving up.
        retryAttempts: 10,
        retryDelay: 2000,
      }),
    }),
    models,
  ],
  providers: [EventIndexes],
  exports: [models, EventIndexes],
})
export class DatabaseModule implements OnModuleInit {
  constructor(private readonly indexes: EventIndexes) {}

  async onModuleInit(): Promise<void> {
    await this.indexes.ensure();
    this.indexes.watch();
  }
}
