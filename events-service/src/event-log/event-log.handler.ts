import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { EventsContract, ListEventsQuery, TaskActivityRequest, type Actor } from '#contracts';
import { Caller } from '#nats';
import { EventLogService } from './event-log.service.js';

@Controller()
export class EventLogHandler {
  constructor(private readonly eventLog: EventLogService) {}

  @MessagePattern(EventsContract.list.subject)
  list(@Caller() actor: Actor, @Payload() request: ListEventsQuery) {
    return this.eventLog.list(actor, request);
  }

  /** The gateway has asked tasks-service whether the caller may see the task. */
  @MessagePattern(EventsContract.taskActivity.subject)
  taskActivity(@Payload() request: TaskActivityRequest) {
    return this.eventLog.taskActivity(request);
  }
}
