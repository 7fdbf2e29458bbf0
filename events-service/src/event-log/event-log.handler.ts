import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { EventsContract, ListEventsRequest, TaskActivityRequest } from '#contracts';
import { EventLogService } from './event-log.service.js';

@Controller()
export class EventLogHandler {
  constructor(private readonly eventLog: EventLogService) {}

  @MessagePattern(EventsContract.list.subject)
  list(@Payload() request: ListEventsRequest) {
    return this.eventLog.list(request);
  }

  @MessagePattern(EventsContract.taskActivity.subject)
  taskActivity(@Payload() request: TaskActivityRequest) {
    return this.eventLog.taskActivity(request);
  }
}
