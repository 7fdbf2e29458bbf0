import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { EventsContract, ListNotificationsQuery, NotificationRequest, type Actor } from '#contracts';
import { Caller } from '#nats';
import { NotificationsService } from './notifications.service.js';

@Controller()
export class NotificationsHandler {
  constructor(private readonly notifications: NotificationsService) {}

  @MessagePattern(EventsContract.listNotifications.subject)
  list(@Caller() actor: Actor, @Payload() request: ListNotificationsQuery) {
    return this.notifications.list(actor, request);
  }

  @MessagePattern(EventsContract.markRead.subject)
  markRead(@Caller() actor: Actor, @Payload() request: NotificationRequest) {
    return this.notifications.markRead(actor, request);
  }

  @MessagePattern(EventsContract.readAll.subject)
  readAll(@Caller() actor: Actor) {
    return this.notifications.readAll(actor);
  }
}
