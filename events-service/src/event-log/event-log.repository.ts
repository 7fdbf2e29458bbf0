import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, QueryFilter } from 'mongoose';
import { insertOncePerKey } from '../common/insert-once.js';
import { EVENT_LOG_SORT } from './event-log.query.js';
import { EventLog } from './event-log.schema.js';

@Injectable()
export class EventLogRepository {
  constructor(@InjectModel(EventLog.name) private readonly logs: Model<EventLog>) {}

  /**
   * Writes a batch of entries, each once per eventId (insertOncePerKey: one insertMany, the
   * unique index refusing what is already logged), so a redelivered event changes nothing.
   * Then each entry's `shareWith` (the users an assignment added: they may now see the task's
   * history) is added to the task's entries up to that event's version ($addToSet:
   * idempotent; the version bound keeps a later unassignment in the batch from being undone).
   * Returns, per entry, whether it was new.
   */
  async insertBatch(items: LogBatchItem[], now = new Date()): Promise<boolean[]> {
    const entries: (EventLog & { _id?: unknown })[] = items.map(({ entry }) => ({ ...entry, createdAt: now }));
    const logged = await insertOncePerKey(this.logs.collection, entries, {
      keyOf: (entry) => entry.eventId,
      filterFor: (list) => ({ eventId: { $in: list.map((entry) => entry.eventId) } }),
    });
    for (const { entry, shareWith } of items) {
      for (const userId of shareWith) {
        await this.logs.updateMany({ taskId: entry.taskId, 'task.version': { $lte: entry.task?.version ?? 0 } }, { $addToSet: { audience: userId } });
      }
    }
    return logged;
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

export interface LogBatchItem {
  entry: Omit<EventLog, 'createdAt'>;
  /** Users an assignment added, to add to the audience of the task's earlier entries. */
  shareWith: string[];
}

export { isDuplicateKey } from '../common/insert-once.js';
