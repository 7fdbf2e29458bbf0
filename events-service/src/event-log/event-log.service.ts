import { Injectable } from '@nestjs/common';
import { PAGE_LIMIT_DEFAULT, type Actor, type EventLogDto, type ListEventsQuery, type Page, type TaskActivityRequest } from '#contracts';
import { decodeCursor, encodeCursor } from '../common/page-cursor.js';
import { toEventLogDto } from './event-log.mapper.js';
import { eventListFilter, taskActivityFilter } from './event-log.query.js';
import { EventLogRepository } from './event-log.repository.js';
import type { EventLog } from './event-log.schema.js';

@Injectable()
export class EventLogService {
  constructor(private readonly logs: EventLogRepository) {}

  async list(actor: Actor, request: ListEventsQuery): Promise<Page<EventLogDto>> {
    const { limit = PAGE_LIMIT_DEFAULT, cursor, ...filters } = request;
    const after = cursor === undefined ? undefined : decodeCursor('events', cursor);
    return this.page(await this.logs.page(eventListFilter(actor, filters, after), limit), limit);
  }

  async taskActivity(request: TaskActivityRequest): Promise<Page<EventLogDto>> {
    const { taskId, limit = PAGE_LIMIT_DEFAULT, cursor } = request;
    const after = cursor === undefined ? undefined : decodeCursor('events', cursor);
    return this.page(await this.logs.page(taskActivityFilter(taskId, after), limit), limit);
  }

  private page(rows: EventLog[], limit: number): Page<EventLogDto> {
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const nextCursor = rows.length > limit && last ? encodeCursor('events', { at: last.occurredAt, id: last.eventId }) : null;
    return { items: items.map(toEventLogDto), nextCursor };
  }
}
