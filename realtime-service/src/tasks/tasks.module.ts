import { Module } from '@nestjs/common';
import { PresenceModule } from '../presence/presence.module.js';
import { RevokedSessions } from '../socket/revoked-sessions.js';
import { TaskEventsConsumer } from './task-events.consumer.js';
import { TaskVisibility } from './task-visibility.service.js';
import { TasksGateway } from './tasks.gateway.js';

@Module({
  imports: [PresenceModule],
  // RevokedSessions here: the gateway's handshake reads it, the sessions module's consumer writes it.
  providers: [TasksGateway, TaskVisibility, TaskEventsConsumer, RevokedSessions],
  exports: [TasksGateway, RevokedSessions],
})
export class TasksModule {}
