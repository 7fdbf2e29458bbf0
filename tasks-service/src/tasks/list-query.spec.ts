import { describe, expect, it } from '@jest/globals';
import { listCacheKey, generationKeyFor } from '../cache/list-cache-key.js';
import { buildListSql, escapeLike, normalizeListQuery } from './list-query.js';

const member = { id: '66666666-6666-4666-8666-666666666666', role: 'member' as const };
const admin = { id: '77777777-7777-4777-8777-777777777777', role: 'admin' as const };

describe('normalizeListQuery', () => {
  it('applies defaults and resolves me', () => {
    expect(normalizeListQuery({ assigneeId: 'me', ownerId: 'me' }, member)).toEqual({
      sort: 'createdAt',
      order: 'desc',
      limit: 20,
      assigneeId: member.id,
      ownerId: member.id,
      cursor: undefined,
      status: undefined,
      priority: undefined,
      q: undefined,
      dueBefore: undefined,
      dueAfter: undefined,
    });
  });

  it('gives equal queries equal cache keys, and different readers different keys', () => {
    const a = normalizeListQuery({ status: ['done', 'todo', 'done'], q: 'Report', dueBefore: '2030-01-01T01:00:00+01:00' }, member);
    const b = normalizeListQuery({ status: ['todo', 'done'], q: 'report', dueBefore: '2030-01-01T00:00:00Z', limit: 20, order: 'desc' }, member);
    expect(listCacheKey(member, '5', a)).toBe(listCacheKey(member, '5', b));
    expect(listCacheKey(member, '6', a)).not.toBe(listCacheKey(member, '5', a));
    expect(listCacheKey(member, '5', a)).toMatch(new RegExp(`^tasks:list:member:${member.id}:5:[0-9a-f]{40}$`));
    const c = normalizeListQuery({ status: ['todo'] }, member);
    expect(listCacheKey(member, '5', c)).not.toBe(listCacheKey(member, '5', a));
    expect(listCacheKey(admin, '5', a)).not.toBe(listCacheKey(member, '5', a));
  });

  it('guards admin lists with the global generation, members with their own', () => {
    expect(generationKeyFor(admin)).toBe('tasks:gen:all');
    expect(generationKeyFor(member)).toBe(`tasks:gen:user:${member.id}`);
  });
});

describe('buildListSql', () => {
  it('escapes LIKE wildcards in q', () => {
    expect(escapeLike('50%_off\\')).toBe('50\\%\\_off\\\\');
    const { params } = buildListSql(normalizeListQuery({ q: '50%' }, admin), admin, undefined, 21);
    expect(params).toContain('%50\\%%');
  });

  it('limits members to owned or assigned tasks, admins to nothing', () => {
    expect(buildListSql(normalizeListQuery({}, admin), admin, undefined, 21).sql).not.toMatch(/task_assignments/);
    const { sql, params } = buildListSql(normalizeListQuery({}, member), member, undefined, 21);
    expect(sql).toMatch(/owner_id = \$\d+::uuid/);
    expect(sql).toMatch(/JOIN task_assignments va/);
    expect(params).toContain(member.id);
  });

  it('pages on (sort key, id) in the sort direction, nulls last for due dates', () => {
    const after = { value: 'infinity', id: member.id };
    const asc = buildListSql(normalizeListQuery({ sort: 'dueDate', order: 'asc' }, admin), admin, after, 21).sql;
    expect(asc).toContain(`(coalesce(t.due_date, 'infinity'::timestamptz), t.id) > ($1::timestamptz, $2::uuid)`);
    const desc = buildListSql(normalizeListQuery({ sort: 'dueDate' }, admin), admin, after, 21).sql;
    expect(desc).toContain(`coalesce(t.due_date, '-infinity'::timestamptz)`);
    expect(desc).toContain(') < (');
  });
});

describe('buildListSql for project members', () => {
  it('adds a per-project branch, each cut to the page in the sort order', () => {
    const { sql } = buildListSql(normalizeListQuery({ sort: 'priority', order: 'asc', projectId: 'none' }, member), member, undefined, 21);
    expect(sql).toMatch(/FROM project_members vm CROSS JOIN LATERAL \(SELECT t\.id, t\.priority_rank AS sort_key FROM tasks t WHERE t\.project_id = vm\.project_id AND /);
    expect(sql).toContain('t.project_id IS NULL');
    expect(sql).toMatch(/ORDER BY p\.sort_key ASC, p\.id ASC LIMIT \$\d+/);
    const { params } = buildListSql(normalizeListQuery({ projectId: '88888888-8888-4888-8888-888888888888' }, member), member, undefined, 21);
    expect(params).toContain('88888888-8888-4888-8888-888888888888');
  });
});
