import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, QueryFilter } from 'mongoose';
import { EVENT_LOG_SORT } from './event-log.query.js';
import { EventLog } from './event-log.schema.js';

@Injectable()
export class EventLogRepository {
  constructor(@InjectModel(EventLog.name) private readonly logs: Model<EventLog>) {}

  /**
   * Writes the entry once per eventId: an upsert on the unique key that only sets fields
   * on insert, so a redelivered event changes nothing. Returns whether it was new.
   */
  async insertOnce(entry: Omit<EventLog, 'createdAt'>, now = new Date()): Promise<boolean> {
    try {
      const result = await this.logs.updateOne({ eventId: entry.eventId }, { $setOnInsert: { ...entry, createdAt: now } }, { upsert: true });
      return result.upsertedCount === 1;
    } catch (error) {
      // Two replicas upserting the same new eventId at once: the loser sees the unique index.
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /**
   * A new assignee can see the task, so they see its history too: added to the audience of
   * every entry of the task logged so far. Idempotent ($addToSet), so redeliveries are harmless.
   */
  async shareTaskHistory(taskId: string, userIds: string[]): Promise<void> {
    for (const userId of userIds) await this.logs.updateMany({ taskId }, { $addToSet: { audience: userId } });
  }

  /**
   * A new member of a project sees its history (as `GET /api/events` shows what members may
   * see); a removed one stops seeing it, except entries of tasks they own.
   */
  async shareProjectHistory(projectId: string, userId: string): Promise<void> {
    await this.logs.updateMany({ projectId }, { $addToSet: { audience: userId } });
  }

  async unshareProjectHistory(projectId: string, userId: string): Promise<void> {
    // Read, then set each entry's audience without the user ($pull is not served by every
    // MongoDB-protocol server, jongodb among them); the write applies only if the audience is
    // unchanged since the read, else that entry is read again.
    for (let round = 0; round < 5; round += 1) {
      const entries = await this.logs.find({ projectId, audience: userId }, { eventId: 1, audience: 1, task: 1 }).lean<Pick<EventLog, 'eventId' | 'audience' | 'task'>[]>().exec();
      const stale = entries.filter((entry) => entry.task?.ownerId !== userId);
      let raced = false;
      for (const entry of stale) {
        const result = await this.logs.updateOne({ eventId: entry.eventId, audience: { $all: entry.audience, $size: entry.audience.length } }, { $set: { audience: entry.audience.filter((id) => id !== userId) } });
        if (result.matchedCount === 0) raced = true;
      }
      if (!raced) return;
    }
  }

  /** One page, newest first; fetches one more than `limit` to know whether a next page exists. */
  page(filter: QueryFilter<EventLog>, limit: number): Promise<EventLog[]> {
    return this.logs.find(filter).sort(EVENT_LOG_SORT).limit(limit + 1).lean<EventLog[]>().exec();
  }

  findByEventId(eventId: string): Promise<EventLog | null> {
    return this.logs.findOne({ eventId }).lean<EventLog>().exec();
  }
}

export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
