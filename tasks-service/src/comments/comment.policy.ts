import type { TaskAccess } from '../tasks/task.policy.js';

/** Anyone who sees the task may comment, except viewers of its project (read-only there). */
export const canComment = (access: TaskAccess) => access !== 'none' && access !== 'viewer';

/** A comment goes away by its author, the task's owner, a manager of its project or an admin. */
export const canDeleteComment = (access: TaskAccess, isAuthor: boolean) => isAuthor || access === 'admin' || access === 'owner' || access === 'manager';

/** The mentions not among `viewers` (who can see the task). */
export function invisibleMentions(mentionIds: readonly string[], viewers: ReadonlySet<string>): string[] {
  return [...new Set(mentionIds)].filter((id) => !viewers.has(id));
}

/** On an edit only the users not mentioned before are notified. */
export function newlyMentioned(before: readonly string[], after: readonly string[]): string[] {
  return after.filter((id) => !before.includes(id));
}
