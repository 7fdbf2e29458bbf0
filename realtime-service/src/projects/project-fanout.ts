import type { ClientProjectEvent, ProjectEvent, ProjectEventType, ServerToClientEvents } from '#contracts';
import { ADMINS_ROOM, taskRoom, userRoom } from '../tasks/task-fanout.js';

export type ProjectClientEventName = Exclude<Extract<keyof ServerToClientEvents, `project:${string}`>, 'project:removed'>;

/** `project.member_added` → `project:member_added`; exhaustive, so a new event type breaks the build here. */
export const PROJECT_CLIENT_EVENTS: Record<ProjectEventType, ProjectClientEventName> = {
  'project.created': 'project:created',
  'project.updated': 'project:updated',
  'project.deleted': 'project:deleted',
  'project.member_added': 'project:member_added',
  'project.member_removed': 'project:member_removed',
  'project.member_role_changed': 'project:member_role_changed',
};

/** The member a removal is about, who gets `project:removed` instead of the event. */
export function removedMember(event: ProjectEvent): string | undefined {
  return event.type === 'project.member_removed' ? event.member?.userId : undefined;
}

/** The members' sockets and admins; for a removal, without the removed member. */
export function projectAudienceRooms(event: Pick<ProjectEvent, 'audience' | 'type' | 'member'>): string[] {
  const removed = removedMember(event as ProjectEvent);
  return [...new Set(event.audience)]
    .filter((id) => id !== removed)
    .map(userRoom)
    .concat(ADMINS_ROOM);
}

export function toClientProjectEvent(event: ProjectEvent): ClientProjectEvent {
  const { audience: _audience, ...client } = event;
  return client;
}

/** The task rooms a socket joined for tasks of this project (from its `projectTasks`). */
export function projectTaskRooms(projectTasks: Record<string, string> | undefined, projectId: string): string[] {
  return Object.entries(projectTasks ?? {})
    .filter(([, project]) => project === projectId)
    .map(([taskId]) => taskRoom(taskId));
}
