import { randomUUID } from 'node:crypto';
import { TaskEventContract, type TaskDto, type TaskEvent, type TaskEventType } from '#contracts';
import type { OutboxMessage } from '#outbox';
import type { TaskChanges } from './task.changes.js';


export interface TaskEventInput {
  type: TaskEventType;
  /** After the change; for `task.deleted`, as it was. */
  task: TaskDto;
  actorId: string;
  changes?: TaskChanges;
  /** Users who lost sight of the task with this change (an unassigned user, a former project's members). */
  formerAudience?: string[];
  /** The members of the task's project (none without a project). */
  members?: readonly string[];
  requestId: string | null;
  now?: Date;
}

/** Owner, assignees and project members (plus whoever just lost access), each once, owner first. */
export function audienceOf(task: Pick<TaskDto, 'ownerId' | 'assigneeIds'>, former: readonly string[] = [], members: readonly string[] = []): string[] {
  return [...new Set([task.ownerId, ...task.assigneeIds, ...members, ...former])];
}

export function buildTaskEvent(input: TaskEventInput): OutboxMessage<TaskEvent> {
  const payload: TaskEvent = {
    eventId: randomUUID(),
    type: input.type,
    taskId: input.task.id,
    projectId: input.task.projectId,
    actorId: input.actorId,
    occurredAt: (input.now ?? new Date()).toISOString(),
    task: input.task,
    ...(input.changes ? { changes: input.changes } : {}),
    audience: audienceOf(input.task, input.formerAudience, input.members),
    requestId: input.requestId,
  };
  return TaskEventContract.encode(payload);
}
