import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { EventLogHandler } from './event-log.handler.js';
import { EventLogRepository } from './event-log.repository.js';
import { EventLogService } from './event-log.service.js';

@Module({
  imports: [DatabaseModule],
  controllers: [EventLogHandler],
  providers: [EventLogService, EventLogRepository],
  exports: [EventLogRepository],
})
export class EventLogModule {}
