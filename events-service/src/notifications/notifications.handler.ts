import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventsContract, ListNotificationsQuery, NotificationRequest, type Actor } from '#contracts';
import { Caller, Handles } from '#nats';
import { NotificationsService } from './notifications.service.js';

@Controller()
export class NotificationsHandler {
  constructor(private readonly notifications: NotificationsService) {}

  @Handles(EventsContract.listNotifications)
  list(@Payload() request: ListNotificationsQuery, @Caller() actor: Actor) {
    return this.notifications.list(actor, request);
  }

  @Handles(EventsContract.markRead)
  markRead(@Payload() request: NotificationRequest, @Caller() actor: Actor) {
    return this.notifications.markRead(actor, request);
  }

  @Handles(EventsContract.readAll)
  readAll(@Caller() actor: Actor) {
    return this.notifications.readAll(actor);
  }
}
