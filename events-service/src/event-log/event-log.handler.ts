import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventsContract, ListEventsQuery, TaskActivityRequest, type Actor } from '#contracts';
import { Caller, Handles } from '#nats';
import { EventLogService } from './event-log.service.js';

@Controller()
export class EventLogHandler {
  constructor(private readonly eventLog: EventLogService) {}

  @Handles(EventsContract.list)
  list(@Payload() request: ListEventsQuery, @Caller() actor: Actor) {
    return this.eventLog.list(actor, request);
  }

  /** The gateway has asked tasks-service whether the caller may see the task. */
  @Handles(EventsContract.taskActivity)
  taskActivity(@Payload() request: TaskActivityRequest) {
    return this.eventLog.taskActivity(request);
  }
}
