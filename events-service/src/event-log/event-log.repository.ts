import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { AnyBulkWriteOperation, Model, QueryFilter } from 'mongoose';
import { EVENT_LOG_SORT } from './event-log.query.js';
import { EventLog } from './event-log.schema.js';

@Injectable()
export class EventLogRepository {
  constructor(@InjectModel(EventLog.name) private readonly logs: Model<EventLog>) {}

  /**
   * Writes a batch of entries in one ordered bulk write, each once per eventId: an upsert on
   * the unique key that only sets fields on insert, so a redelivered event changes nothing.
   * An entry's `shareWith` (the users an assignment added: they may now see the task's
   * history) is applied right after it, in order, to the task's entries logged so far
   * ($addToSet: idempotent), so a later unassignment in the same batch is not undone.
   * Returns, per entry, whether it was new.
   */
  async insertBatch(items: LogBatchItem[], now = new Date()): Promise<boolean[]> {
    if (items.length === 0) return [];
    const operations: AnyBulkWriteOperation<EventLog>[] = [];
    const entryOperation: number[] = [];
    for (const { entry, shareWith } of items) {
      entryOperation.push(operations.length);
      operations.push({ updateOne: { filter: { eventId: entry.eventId }, update: { $setOnInsert: { ...entry, createdAt: now } }, upsert: true } });
      for (const userId of shareWith) {
        // Stored task entries up to this event's version: later ones carry their own audience.
        operations.push({ updateMany: { filter: { taskId: entry.taskId, 'task.version': { $lte: entry.task?.version ?? 0 } }, update: { $addToSet: { audience: userId } } } });
      }
    }
    const upserted = await bulkWriteRetryingRace(() => this.logs.bulkWrite(operations, { ordered: true }));
    return entryOperation.map((index) => upserted.has(index));
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

/**
 * One bulk write; returns the indexes of the operations that inserted (upserted) a document.
 * Two replicas upserting the same new key at once: the loser meets the unique index
 * (duplicate key); written again, its upserts then match the winner's documents.
 */
export async function bulkWriteRetryingRace(write: () => Promise<{ upsertedIds?: Record<number, unknown> }>): Promise<Set<number>> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const result = await write();
      return new Set(Object.keys(result.upsertedIds ?? {}).map(Number));
    } catch (error) {
      if (attempt >= 3 || !isDuplicateKey(error)) throw error;
    }
  }
}

export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
