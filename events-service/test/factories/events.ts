import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { authEventSubject, taskEventSubject, type AuthEvent, type TaskEvent } from '#contracts';

export const newId = () => randomUUID();

/** A well-formed task event; by default the owner acts and the audience is owner + assignees. */
export function taskEvent(overrides: Partial<TaskEvent> & { ownerId?: string; assigneeIds?: string[] } = {}): TaskEvent {
  const { ownerId = newId(), assigneeIds = [], ...rest } = overrides;
  const taskId = rest.taskId ?? newId();
  const now = new Date().toISOString();
  return {
    eventId: newId(),
    type: 'task.updated',
    taskId,
    actorId: ownerId,
    occurredAt: now,
    task: {
      id: taskId,
      title: 'Integration task',
      description: '',
      status: 'in_progress',
      priority: 'medium',
      dueDate: null,
      ownerId,
      assigneeIds,
      projectId: null,
      version: 2,
      createdAt: now,
      updatedAt: now,
    },
    changes: { status: { from: 'todo', to: 'in_progress' } },
    audience: [ownerId, ...assigneeIds],
    requestId: `req-${newId()}`,
    ...rest,
  };
}

export function authEvent(overrides: Partial<AuthEvent> = {}): AuthEvent {
  const userId = overrides.userId ?? newId();
  return { eventId: newId(), type: 'user.login', userId, actorId: userId, occurredAt: new Date().toISOString(), data: {}, requestId: null, ...overrides };
}

/** Publishes like the outbox relay does, but `msgId` may differ from the eventId (so JetStream does not dedupe). */
export async function publishTaskEvent(nc: NatsConnection, event: TaskEvent, msgId = event.eventId): Promise<number> {
  const ack = await jetstream(nc).publish(taskEventSubject(event.type), JSON.stringify(event), { msgID: msgId });
  return ack.seq;
}

export async function publishAuthEvent(nc: NatsConnection, event: AuthEvent): Promise<number> {
  const ack = await jetstream(nc).publish(authEventSubject(event.type), JSON.stringify(event), { msgID: event.eventId });
  return ack.seq;
}

export async function publishRaw(nc: NatsConnection, subject: string, body: string): Promise<number> {
  const ack = await jetstream(nc).publish(subject, body, { msgID: newId() });
  return ack.seq;
}
