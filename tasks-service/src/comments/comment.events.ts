import { randomUUID } from 'node:crypto';
import { CommentEventContract, type CommentDto, type CommentEvent, type CommentEventType, type TaskDto } from '#contracts';
import type { OutboxMessage } from '#outbox';
import { audienceOf } from '../tasks/task.events.js';

export interface CommentEventInput {
  type: CommentEventType;
  task: TaskDto;
  comment: CommentDto;
  newMentionIds: string[];
  actorId: string;
  members: readonly string[];
  requestId: string | null;
}

export function buildCommentEvent(input: CommentEventInput): OutboxMessage<CommentEvent> {
  const payload: CommentEvent = {
    eventId: randomUUID(),
    type: input.type,
    taskId: input.task.id,
    projectId: input.task.projectId,
    actorId: input.actorId,
    occurredAt: new Date().toISOString(),
    task: input.task,
    comment: input.comment,
    newMentionIds: input.newMentionIds,
    audience: audienceOf(input.task, [], input.members),
    requestId: input.requestId,
  };
  return CommentEventContract.encode(payload);
}
