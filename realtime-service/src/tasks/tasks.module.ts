import { Module } from '@nestjs/common';
import { PresenceModule } from '../presence/presence.module.js';
import { TaskEventsConsumer } from './task-events.consumer.js';
import { TaskVisibility } from './task-visibility.service.js';
import { TasksGateway } from './tasks.gateway.js';

@Module({
  imports: [PresenceModule],
  providers: [TasksGateway, TaskVisibility, TaskEventsConsumer],
  exports: [TasksGateway],
})
export class TasksModule {}
