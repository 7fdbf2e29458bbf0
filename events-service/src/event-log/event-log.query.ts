import type { QueryFilter } from 'mongoose';
import { ErrorCode, EVENT_TYPES, RpcError, type Actor, type EventType, type ListEventsQuery } from '#contracts';
import { UUID_PATTERN, type PagePosition } from '../common/page-cursor.js';
import type { EventLog } from './event-log.schema.js';

/*
 * Filters are built only from checked primitives: the contract classes and the validation
 * pipe already refuse objects, and these guards refuse them again, so an operator such as
 * {"$gt": ""} or "$where" can never become part of a MongoDB query.
 */
const invalid = (field: string) => new RpcError(ErrorCode.VALIDATION, [`${field} is invalid`]);

export function uuidValue(value: unknown, field: string): string {
  if (typeof value !== 'string' || !UUID_PATTERN.test(value)) throw invalid(field);
  return value;
}

function dateValue(value: unknown, field: string): Date {
  const date = typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw invalid(field);
  return date;
}

function typeValues(value: unknown): EventType[] {
  if (!Array.isArray(value) || value.some((type) => typeof type !== 'string' || !EVENT_TYPES.includes(type as EventType))) throw invalid('type');
  return value as EventType[];
}

/** Newest first: entries strictly after `after` in (occurredAt desc, eventId desc) order. */
function afterFilter(after: PagePosition): QueryFilter<EventLog> {
  return { $or: [{ occurredAt: { $lt: after.at } }, { occurredAt: after.at, eventId: { $lt: after.id } }] };
}

function combine(parts: QueryFilter<EventLog>[]): QueryFilter<EventLog> {
  if (parts.length === 0) return {};
  return parts.length === 1 ? parts[0]! : { $and: parts };
}

/**
 * GET /api/events: admins see every entry; members only entries whose audience includes
 * them (task events of tasks they could see, and auth events about themselves).
 */
export function eventListFilter(caller: Actor, query: Omit<ListEventsQuery, 'limit' | 'cursor'>, after?: PagePosition): QueryFilter<EventLog> {
  const parts: QueryFilter<EventLog>[] = [];
  if (caller.role !== 'admin') parts.push({ audience: caller.id });
  if (query.type !== undefined && query.type.length > 0) parts.push({ type: { $in: typeValues(query.type) } });
  if (query.taskId !== undefined) parts.push({ taskId: uuidValue(query.taskId, 'taskId') });
  if (query.actorId !== undefined) parts.push({ actorId: uuidValue(query.actorId, 'actorId') });
  if (query.from !== undefined) parts.push({ occurredAt: { $gte: dateValue(query.from, 'from') } });
  if (query.to !== undefined) parts.push({ occurredAt: { $lt: dateValue(query.to, 'to') } });
  if (after) parts.push(afterFilter(after));
  return combine(parts);
}

/** A task's activity (the gateway has checked that the caller may see the task). */
export function taskActivityFilter(taskId: string, after?: PagePosition): QueryFilter<EventLog> {
  const parts: QueryFilter<EventLog>[] = [{ taskId: uuidValue(taskId, 'taskId') }];
  if (after) parts.push(afterFilter(after));
  return combine(parts);
}

export const EVENT_LOG_SORT = { occurredAt: -1, eventId: -1 } as const;
