import { Global, Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { EventLogModule } from '../event-log/event-log.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { DeadLettersRepository } from './dead-letters.repository.js';
import { IngestMetrics } from './ingest.metrics.js';
import { EventIngestService } from './ingest.service.js';
import { JetStreamEventConsumer } from './jetstream.consumer.js';

/** Global so the probe server's readiness check can ask the consumer about its connection. */
@Global()
@Module({
  imports: [DatabaseModule, EventLogModule, NotificationsModule],
  providers: [EventIngestService, DeadLettersRepository, IngestMetrics, JetStreamEventConsumer],
  exports: [JetStreamEventConsumer],
})
export class IngestModule {}
