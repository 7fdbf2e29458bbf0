import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, QueryFilter } from 'mongoose';
import type { PagePosition } from '../common/page-cursor.js';
import { insertOncePerKey } from '../common/insert-once.js';
import type { NewNotification } from './notification.factory.js';
import { Notification } from './notification.schema.js';

const SORT = { createdAt: -1, _id: -1 } as const;

@Injectable()
export class NotificationsRepository {
  constructor(@InjectModel(Notification.name) private readonly notifications: Model<Notification>) {}

  /**
   * Creates each notification unless one exists for its (eventId, userId), in one insertMany
   * (insertOncePerKey: the unique index refuses what exists). Returns, per notification, the
   * new one, or null when it already existed (a redelivery), so only the first delivery
   * announces it.
   */
  async insertBatch(notifications: NewNotification[]): Promise<(Notification | null)[]> {
    const created: Notification[] = notifications.map((notification) => ({ _id: randomUUID(), ...notification, read: false, readAt: null }));
    const stored = await insertOncePerKey(this.notifications.collection, created, {
      keyOf: (notification) => `${notification.eventId} ${notification.userId}`,
      filterFor: (list) => ({ eventId: { $in: [...new Set(list.map((notification) => notification.eventId))] } }),
    });
    return created.map((notification, index) => (stored[index] ? notification : null));
  }

  /** The user's notifications, newest first, after `after`; one more than `limit`. */
  page(userId: string, unreadOnly: boolean, after: PagePosition | undefined, limit: number): Promise<Notification[]> {
    const parts: QueryFilter<Notification>[] = [{ userId }];
    if (unreadOnly) parts.push({ read: false });
    if (after) parts.push({ $or: [{ createdAt: { $lt: after.at } }, { createdAt: after.at, _id: { $lt: after.id } }] });
    return this.notifications
      .find(parts.length === 1 ? parts[0]! : { $and: parts })
      .sort(SORT)
      .limit(limit + 1)
      .lean<Notification[]>()
      .exec();
  }

  countUnread(userId: string): Promise<number> {
    return this.notifications.countDocuments({ userId, read: false }).exec();
  }

  /** Marks the user's notification read; a second call keeps the first readAt. Null: not theirs or unknown. */
  async markRead(userId: string, id: string, now = new Date()): Promise<Notification | null> {
    const updated = await this.notifications
      .findOneAndUpdate({ _id: id, userId, read: false }, { $set: { read: true, readAt: now } }, { returnDocument: 'after' })
      .lean<Notification>()
      .exec();
    return updated ?? this.notifications.findOne({ _id: id, userId }).lean<Notification>().exec();
  }

  async markAllRead(userId: string, now = new Date()): Promise<number> {
    const result = await this.notifications.updateMany({ userId, read: false }, { $set: { read: true, readAt: now } }).exec();
    return result.modifiedCount;
  }
}
