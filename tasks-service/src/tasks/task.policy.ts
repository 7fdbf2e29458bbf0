import type { Actor, TaskChangeableField } from '#contracts';

/** How the actor relates to a task; the strongest relation wins. */
export type TaskAccess = 'admin' | 'owner' | 'assignee' | 'none';

export function accessOf(actor: Actor, task: { ownerId: string }, assigneeIds: readonly string[]): TaskAccess {
  if (actor.role === 'admin') return 'admin';
  if (task.ownerId === actor.id) return 'owner';
  if (assigneeIds.includes(actor.id)) return 'assignee';
  return 'none';
}

/** Owner, assignees and admins see a task; to anyone else it does not exist. */
export const canSee = (access: TaskAccess) => access !== 'none';

/** Change every field, delete, assign and unassign. */
export const canManage = (access: TaskAccess) => access === 'admin' || access === 'owner';

const ASSIGNEE_FIELDS: readonly TaskChangeableField[] = ['status'];

/** The fields of an update this actor may not send (empty: allowed). */
export function forbiddenFields(access: TaskAccess, fields: readonly TaskChangeableField[]): TaskChangeableField[] {
  if (canManage(access)) return [];
  return fields.filter((field) => !ASSIGNEE_FIELDS.includes(field));
}
