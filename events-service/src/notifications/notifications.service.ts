import { Injectable } from '@nestjs/common';
import {
  PAGE_LIMIT_DEFAULT,
  type Actor,
  type ListNotificationsQuery,
  type NotificationDto,
  type NotificationRequest,
  type Page,
  type ReadAllResponseDto,
} from '#contracts';
import { decodeCursor, encodeCursor } from '../common/page-cursor.js';
import { uuidValue } from '../event-log/event-log.query.js';
import { toNotificationDto } from './notification.mapper.js';
import { notificationNotFound } from './notifications.errors.js';
import { NotificationsRepository } from './notifications.repository.js';

/** A user only ever sees or changes their own notifications: every query is keyed by the actor's id. */
@Injectable()
export class NotificationsService {
  constructor(private readonly notifications: NotificationsRepository) {}

  async list(actor: Actor, request: ListNotificationsQuery): Promise<Page<NotificationDto> & { unreadCount: number }> {
    const userId = actor.id;
    const limit = request.limit ?? PAGE_LIMIT_DEFAULT;
    const after = request.cursor === undefined ? undefined : decodeCursor('notifications', request.cursor);
    const [rows, unreadCount] = await Promise.all([
      this.notifications.page(userId, request.unread === true, after, limit),
      this.notifications.countUnread(userId),
    ]);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const nextCursor = rows.length > limit && last ? encodeCursor('notifications', { at: last.createdAt, id: last._id }) : null;
    return { items: items.map(toNotificationDto), nextCursor, unreadCount };
  }

  async markRead(actor: Actor, request: NotificationRequest): Promise<NotificationDto> {
    const notification = await this.notifications.markRead(actor.id, uuidValue(request.notificationId, 'notificationId'));
    if (!notification) throw notificationNotFound();
    return toNotificationDto(notification);
  }

  async readAll(actor: Actor): Promise<ReadAllResponseDto> {
    return { updated: await this.notifications.markAllRead(actor.id) };
  }
}
