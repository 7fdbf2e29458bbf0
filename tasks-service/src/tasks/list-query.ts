import {
  PAGE_LIMIT_DEFAULT,
  TASK_PRIORITIES,
  TASK_STATUSES,
  type Actor,
  type ListTasksQuery,
  type SortOrder,
  type TaskPriority,
  type TaskSort,
  type TaskStatus,
} from '#contracts';
import { normalizeDate } from './task.changes.js';

/** A list request with defaults applied, `me` resolved and sets in a fixed order. */
export interface NormalizedListQuery {
  sort: TaskSort;
  order: SortOrder;
  limit: number;
  cursor?: string;
  status?: TaskStatus[];
  priority?: TaskPriority[];
  assigneeId?: string;
  ownerId?: string;
  /** A project id, or `none`. */
  projectId?: string;
  q?: string;
  dueBefore?: string;
  dueAfter?: string;
}

/** Where the previous page ended: the sort key as PostgreSQL prints it, and the id. */
export interface ListPosition {
  value: string;
  id: string;
}

const inOrder = <T extends string>(all: readonly T[], picked: readonly T[] | undefined): T[] | undefined =>
  picked && picked.length > 0 ? all.filter((value) => picked.includes(value)) : undefined;

export function normalizeListQuery(query: ListTasksQuery, actor: Actor): NormalizedListQuery {
  const me = (id: string | undefined) => (id === 'me' ? actor.id : id?.toLowerCase());
  return {
    sort: query.sort ?? 'createdAt',
    order: query.order ?? 'desc',
    limit: query.limit ?? PAGE_LIMIT_DEFAULT,
    cursor: query.cursor,
    status: inOrder(TASK_STATUSES, query.status),
    priority: inOrder(TASK_PRIORITIES, query.priority),
    assigneeId: me(query.assigneeId),
    ownerId: me(query.ownerId),
    projectId: query.projectId?.toLowerCase(),
    // Matching is case-insensitive, so the case of q does not change the answer.
    q: query.q ? query.q.toLowerCase() : undefined,
    dueBefore: query.dueBefore ? normalizeDate(query.dueBefore)! : undefined,
    dueAfter: query.dueAfter ? normalizeDate(query.dueAfter)! : undefined,
  };
}

/**
 * Sort keys. dueDate sorts nulls last in both directions by sorting on
 * coalesce(due_date, ±infinity); each expression has an index ending in id.
 */
function sortKey(sort: TaskSort, order: SortOrder): { expression: string; type: string } {
  switch (sort) {
    case 'createdAt':
      return { expression: 't.created_at', type: 'timestamptz' };
    case 'updatedAt':
      return { expression: 't.updated_at', type: 'timestamptz' };
    case 'priority':
      return { expression: 't.priority_rank', type: 'smallint' };
    case 'dueDate':
      return { expression: `coalesce(t.due_date, '${order === 'asc' ? 'infinity' : '-infinity'}'::timestamptz)`, type: 'timestamptz' };
  }
}

export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export const TASK_COLUMNS = 't.id, t.title, t.description, t.status, t.priority, t.due_date, t.owner_id, t.project_id, t.version, t.created_at, t.updated_at';

/**
 * The page query: visible tasks matching the filters, after `after`, `limit` rows (ask one
 * more than a page to know whether another follows). Keyset on (sort key, id), so rows
 * inserted or deleted meanwhile never shift the next page. A member's visible set is the
 * union of three index-friendly branches (tasks they own, tasks assigned to them, tasks of
 * their projects), each cut to `limit` in the same order before merging; an OR of them
 * could use none of the indexes.
 */
export function buildListSql(query: NormalizedListQuery, actor: Actor, after: ListPosition | undefined, limit: number): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const { expression, type } = sortKey(query.sort, query.order);
  const direction = query.order === 'asc' ? 'ASC' : 'DESC';
  const orderBy = `ORDER BY ${expression} ${direction}, t.id ${direction}`;

  const filters: string[] = [];
  if (query.status) filters.push(`t.status = ANY(${param(query.status)}::text[])`);
  if (query.priority) filters.push(`t.priority = ANY(${param(query.priority)}::text[])`);
  if (query.ownerId) filters.push(`t.owner_id = ${param(query.ownerId)}::uuid`);
  if (query.assigneeId) {
    filters.push(`EXISTS (SELECT 1 FROM task_assignments fa WHERE fa.task_id = t.id AND fa.user_id = ${param(query.assigneeId)}::uuid)`);
  }
  if (query.projectId === 'none') filters.push('t.project_id IS NULL');
  else if (query.projectId) filters.push(`t.project_id = ${param(query.projectId)}::uuid`);
  if (query.q) filters.push(`t.search_text LIKE ${param(`%${escapeLike(query.q.toLowerCase())}%`)}`);
  if (query.dueBefore) filters.push(`t.due_date < ${param(query.dueBefore)}::timestamptz`);
  if (query.dueAfter) filters.push(`t.due_date > ${param(query.dueAfter)}::timestamptz`);
  if (after) {
    filters.push(`(${expression}, t.id) ${direction === 'ASC' ? '>' : '<'} (${param(after.value)}::${type}, ${param(after.id)}::uuid)`);
  }
  const where = (extra: string[] = []) => {
    const all = [...extra, ...filters];
    return all.length > 0 ? `WHERE ${all.join(' AND ')}` : '';
  };
  const limitParam = param(limit);
  const select = `SELECT ${TASK_COLUMNS}, (${expression})::text AS sort_value FROM tasks t`;

  if (actor.role === 'admin') {
    return { sql: `${select} ${where()} ${orderBy} LIMIT ${limitParam}`, params };
  }
  const me = param(actor.id);
  const owned = `SELECT t.id FROM tasks t ${where([`t.owner_id = ${me}::uuid`])} ${orderBy} LIMIT ${limitParam}`;
  const assigned = `SELECT t.id FROM tasks t JOIN task_assignments va ON va.task_id = t.id AND va.user_id = ${me}::uuid ${where()} ${orderBy} LIMIT ${limitParam}`;
  // Per project (LATERAL), so each walks its own slice of a (project_id, …) index for at most
  // `limit` rows; a plain join lets the planner walk the whole sort index instead.
  const perProject = `SELECT t.id, ${expression} AS sort_key FROM tasks t ${where([`t.project_id = vm.project_id`])} ${orderBy} LIMIT ${limitParam}`;
  const inProjects = `SELECT p.id FROM project_members vm CROSS JOIN LATERAL (${perProject}) p WHERE vm.user_id = ${me}::uuid ORDER BY p.sort_key ${direction}, p.id ${direction} LIMIT ${limitParam}`;
  return { sql: `${select} WHERE t.id IN ((${owned}) UNION ALL (${assigned}) UNION ALL (${inProjects})) ${orderBy} LIMIT ${limitParam}`, params };
}
