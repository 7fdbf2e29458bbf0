import type { Actor, ProjectRole, TaskChangeableField } from '#contracts';

/**
 * How the actor relates to a task; the strongest relation wins. `manager`, `editor` and
 * `viewer` are roles in the task's project; an assignee who is only a viewer of it is an
 * `assignee` (status only), as on a task without a project.
 */
export type TaskAccess = 'admin' | 'owner' | 'manager' | 'editor' | 'assignee' | 'viewer' | 'none';

export function accessOf(actor: Actor, task: { ownerId: string }, assigneeIds: readonly string[], projectRole: ProjectRole | null = null): TaskAccess {
  if (actor.role === 'admin') return 'admin';
  if (task.ownerId === actor.id) return 'owner';
  if (projectRole === 'manager' || projectRole === 'editor') return projectRole;
  if (assigneeIds.includes(actor.id)) return 'assignee';
  if (projectRole === 'viewer') return 'viewer';
  return 'none';
}

/** Owner, assignees, the project's members and admins see a task; to anyone else it does not exist. */
export const canSee = (access: TaskAccess) => access !== 'none';

/** Change every field, assign and unassign: owner, editors and managers of its project, admins. */
export const canManage = (access: TaskAccess) => access === 'admin' || access === 'owner' || access === 'manager' || access === 'editor';

/** Delete: owner, managers of its project, admins (editors may not). */
export const canDelete = (access: TaskAccess) => access === 'admin' || access === 'owner' || access === 'manager';

const ASSIGNEE_FIELDS: readonly TaskChangeableField[] = ['status'];

/** The fields of an update this actor may not send (empty: allowed); a viewer may send none. */
export function forbiddenFields(access: TaskAccess, fields: readonly TaskChangeableField[]): TaskChangeableField[] {
  if (canManage(access)) return [];
  if (access === 'assignee') return fields.filter((field) => !ASSIGNEE_FIELDS.includes(field));
  return [...fields];
}
