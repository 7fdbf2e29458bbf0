import { randomUUID } from 'node:crypto';
import { ProjectEventContract, type ProjectEvent, type ProjectEventType, type ProjectSnapshot } from '#contracts';
import type { OutboxMessage } from '#outbox';

export interface ProjectEventInput {
  type: ProjectEventType;
  project: ProjectSnapshot;
  actorId: string;
  member?: ProjectEvent['member'];
  changes?: ProjectEvent['changes'];
  /** The members who may see it (for a removal, the removed member included). */
  audience: readonly string[];
  requestId: string | null;
}

export function buildProjectEvent(input: ProjectEventInput): OutboxMessage<ProjectEvent> {
  const payload: ProjectEvent = {
    eventId: randomUUID(),
    type: input.type,
    projectId: input.project.id,
    actorId: input.actorId,
    occurredAt: new Date().toISOString(),
    project: input.project,
    ...(input.member ? { member: input.member } : {}),
    ...(input.changes ? { changes: input.changes } : {}),
    audience: [...new Set(input.audience)],
    requestId: input.requestId,
  };
  return ProjectEventContract.encode(payload);
}
