import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ActorRequest, EventsContract, ListNotificationsRequest, NotificationRequest } from '#contracts';
import { NotificationsService } from './notifications.service.js';

@Controller()
export class NotificationsHandler {
  constructor(private readonly notifications: NotificationsService) {}

  @MessagePattern(EventsContract.listNotifications.subject)
  list(@Payload() request: ListNotificationsRequest) {
    return this.notifications.list(request);
  }

  @MessagePattern(EventsContract.markRead.subject)
  markRead(@Payload() request: NotificationRequest) {
    return this.notifications.markRead(request);
  }

  @MessagePattern(EventsContract.readAll.subject)
  readAll(@Payload() request: ActorRequest) {
    return this.notifications.readAll(request);
  }
}
