import type { Actor, ProjectRole } from '#contracts';

/** The actor's standing in a project: their role, or that of an admin (a manager of every project). */
export type ProjectAccess = ProjectRole | 'none';

const RANK: Record<ProjectAccess, number> = { none: 0, viewer: 1, editor: 2, manager: 3 };

export function projectAccessOf(actor: Actor, memberRole: ProjectRole | null): ProjectAccess {
  if (memberRole === 'manager' || actor.role === 'admin') return 'manager';
  return memberRole ?? 'none';
}

export const atLeast = (access: ProjectAccess, role: ProjectRole) => RANK[access] >= RANK[role];

/** What `myRole` says: the member's role, or manager for an admin who is not a member. */
export const myRoleOf = (access: ProjectAccess): ProjectRole => (access === 'none' ? 'viewer' : access);
