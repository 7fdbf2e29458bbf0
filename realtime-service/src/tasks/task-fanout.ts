import type { ClientTaskEvent, ServerToClientEvents, TaskEvent, TaskEventType } from '#contracts';

/** Socket.IO rooms: one per user (every socket of that user), one for admins, one per subscribed task. */
export const ADMINS_ROOM = 'admins';
export const userRoom = (userId: string) => `user:${userId}`;
export const taskRoom = (taskId: string) => `task:${taskId}`;

export type TaskClientEventName = Extract<keyof ServerToClientEvents, `task:${string}`>;

/** `task.created` → `task:created`; exhaustive, so a new event type breaks the build here. */
export const TASK_CLIENT_EVENTS: Record<TaskEventType, TaskClientEventName> = {
  'task.created': 'task:created',
  'task.updated': 'task:updated',
  'task.deleted': 'task:deleted',
  'task.assigned': 'task:assigned',
  'task.unassigned': 'task:unassigned',
};

/**
 * Everyone who may see the event: the audience's sockets, admins, and the task's subscribers.
 * Emitted once to the union, so a socket in several of these rooms still gets it once.
 * A project task's audience already names every member, so its subscribers are reached
 * through their own rooms; leaving its task room out means a member just removed (whose
 * sockets may not have left the room yet, on another replica), or one who saw the task only
 * through the project it is leaving, gets nothing more of it.
 */
export function audienceRooms(event: Pick<TaskEvent, 'audience' | 'taskId' | 'projectId' | 'changes'>): string[] {
  const rooms = [...new Set(event.audience)].map(userRoom).concat(ADMINS_ROOM);
  const throughProject = Boolean(event.projectId) || event.changes?.projectId !== undefined;
  return throughProject ? rooms : rooms.concat(taskRoom(event.taskId));
}

/** What a client sees: the event without its internal routing list. */
export function toClientEvent(event: TaskEvent): ClientTaskEvent {
  const { audience: _audience, ...client } = event;
  return client;
}

/**
 * Users who lose sight of the task with this event, whose subscriptions to it must end:
 * removed assignees (unless they own it), or every subscriber when the task is deleted.
 */
export function usersLosingAccess(event: TaskEvent): string[] {
  if (event.type !== 'task.unassigned' && event.type !== 'task.updated' && event.type !== 'task.assigned') return [];
  const change = event.changes?.assigneeIds;
  if (!change || !Array.isArray(change.from) || !Array.isArray(change.to)) return [];
  const remaining = new Set<unknown>(change.to);
  return (change.from as unknown[])
    .filter((id): id is string => typeof id === 'string' && !remaining.has(id) && id !== event.task.ownerId);
}

/**
 * A task that changed project: whoever saw it through the old project may have subscribed, and
 * the subscriber room cannot tell them apart, so every subscription to it ends. Those who may
 * still see it get its events through their own rooms (its audience) regardless.
 */
export function endsAllSubscriptions(event: TaskEvent): boolean {
  return event.type === 'task.deleted' || (event.type === 'task.updated' && event.changes?.projectId !== undefined);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** Seconds between the change and its emission; NaN-safe (0 for an unparsable date). */
export function emitLagSeconds(occurredAt: string, now = Date.now()): number {
  const at = Date.parse(occurredAt);
  return Number.isFinite(at) ? Math.max(0, (now - at) / 1000) : 0;
}
