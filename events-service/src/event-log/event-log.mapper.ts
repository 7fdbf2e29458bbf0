import type { EventLogDto } from '#contracts';
import type { ParsedEvent } from '../ingest/parse-event.js';
import type { EventLog } from './event-log.schema.js';

/** The log entry of a validated event (without createdAt, which the repository sets on insert). */
export function logEntryFor(parsed: ParsedEvent): Omit<EventLog, 'createdAt'> {
  if (parsed.source === 'task') {
    const event = parsed.event;
    return {
      eventId: event.eventId,
      type: event.type,
      source: 'task',
      taskId: event.taskId,
      actorId: event.actorId,
      userId: null,
      audience: [...new Set(event.audience)],
      occurredAt: new Date(event.occurredAt),
      requestId: event.requestId,
      projectId: event.projectId ?? event.task.projectId ?? null,
      task: event.task,
      ...('comment' in event ? { comment: event.comment } : {}),
      ...('changes' in event && event.changes ? { changes: event.changes } : {}),
    };
  }
  if (parsed.source === 'project') {
    const event = parsed.event;
    return {
      eventId: event.eventId,
      type: event.type,
      source: 'project',
      taskId: null,
      projectId: event.projectId,
      actorId: event.actorId,
      userId: null,
      audience: [...new Set(event.audience)],
      occurredAt: new Date(event.occurredAt),
      requestId: event.requestId,
      project: event.project,
      ...(event.member ? { member: event.member } : {}),
      ...(event.changes ? { changes: event.changes } : {}),
    };
  }
  const event = parsed.event;
  return {
    eventId: event.eventId,
    type: event.type,
    source: 'auth',
    taskId: null,
    projectId: null,
    actorId: event.actorId,
    userId: event.userId,
    audience: event.userId ? [event.userId] : [],
    occurredAt: new Date(event.occurredAt),
    requestId: event.requestId,
    data: event.data,
  };
}

export function toEventLogDto(entry: EventLog): EventLogDto {
  const dto: EventLogDto = {
    eventId: entry.eventId,
    type: entry.type,
    taskId: entry.taskId ?? null,
    actorId: entry.actorId ?? null,
    occurredAt: entry.occurredAt.toISOString(),
    requestId: entry.requestId ?? null,
  };
  if (entry.projectId) dto.projectId = entry.projectId;
  if (entry.task) dto.task = entry.task;
  if (entry.project) dto.project = entry.project;
  if (entry.comment) dto.comment = entry.comment;
  if (entry.member) dto.member = entry.member;
  if (entry.changes) dto.changes = entry.changes;
  if (entry.data) dto.data = entry.data;
  return dto;
}
