import { randomUUID } from 'node:crypto';
import { taskEventSubject, type TaskDto, type TaskEvent, type TaskEventType } from '#contracts';
import type { OutboxMessage } from '#outbox';
import type { TaskChanges } from './task.changes.js';


export interface TaskEventInput {
  type: TaskEventType;
  /** After the change; for `task.deleted`, as it was. */
  task: TaskDto;
  actorId: string;
  changes?: TaskChanges;
  /** Users who lost sight of the task with this change (an unassigned user). */
  formerAudience?: string[];
  requestId: string | null;
  now?: Date;
}

/** Owner and assignees (plus whoever just lost access), each once, owner first. */
export function audienceOf(task: Pick<TaskDto, 'ownerId' | 'assigneeIds'>, former: readonly string[] = []): string[] {
  return [...new Set([task.ownerId, ...task.assigneeIds, ...former])];
}

export function buildTaskEvent(input: TaskEventInput): OutboxMessage<TaskEvent> {
  const payload: TaskEvent = {
    eventId: randomUUID(),
    type: input.type,
    taskId: input.task.id,
    actorId: input.actorId,
    occurredAt: (input.now ?? new Date()).toISOString(),
    task: input.task,
    ...(input.changes ? { changes: input.changes } : {}),
    audience: audienceOf(input.task, input.formerAudience),
    requestId: input.requestId,
  };
  return { eventId: payload.eventId, subject: taskEventSubject(input.type), payload };
}
