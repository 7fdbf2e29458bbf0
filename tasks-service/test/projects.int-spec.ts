import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { ProjectsContract, RpcError, TasksContract, type Actor, type ProjectEvent, type ProjectRole, type TaskDto, type TaskEvent } from '#contracts';
import type { NatsRpcClient } from '#nats';
import { startService, testEnv, waitFor, type RunningService } from '#testing';
import { admin, as, natsClient, registerUser } from './factories/tasks-context.js';

let services: RunningService[] = [];
let client: NatsRpcClient;
let db: pg.Client;

beforeAll(async () => {
  services = await Promise.all([startService('auth-service', testEnv()), startService('tasks-service', testEnv())]);
  client = await natsClient();
  db = new pg.Client({ connectionString: testEnv().DATABASE_URL });
  await db.connect();
}, 60000);
afterAll(async () => {
  await client?.onApplicationShutdown();
  await db?.end();
  await Promise.all(services.map((service) => service.stop()));
});

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RpcError) return error.code;
    throw error;
  }
  return 'OK';
}

const createProject = (actor: Actor, name = `Project ${randomUUID().slice(0, 6)}`) => client.request(ProjectsContract.create, { name }, as(actor));
const setMember = (actor: Actor, projectId: string, userId: string, role: ProjectRole) =>
  client.request(ProjectsContract.setMember, { projectId, userId, role }, as(actor));
const createTask = (actor: Actor, projectId?: string, title = `Task ${randomUUID().slice(0, 6)}`) =>
  client.request(TasksContract.create, { title, ...(projectId ? { projectId } : {}) }, as(actor));
const getTask = (actor: Actor, taskId: string) => client.request(TasksContract.get, { taskId }, as(actor));
const listIds = async (actor: Actor, query: object = {}) => (await client.request(TasksContract.list, { limit: 100, ...query }, as(actor))).items.map((t) => t.id);

/** The outbox rows (published or not) whose payload matches: what the relay will publish. */
async function outboxEvents<T>(where: string, params: unknown[]): Promise<T[]> {
  const { rows } = await db.query<{ payload: T }>(`SELECT payload FROM outbox WHERE ${where} ORDER BY id`, params);
  return rows.map((row) => row.payload);
}

/** A project with a member of each role, and a stranger. */
async function team() {
  const [manager, editor, viewer, outsider] = [await registerUser(client), await registerUser(client), await registerUser(client), await registerUser(client)];
  const project = await createProject(manager);
  await setMember(manager, project.id, editor.id, 'editor');
  await setMember(manager, project.id, viewer.id, 'viewer');
  return { manager, editor, viewer, outsider, project };
}

describe('projects', () => {
  it('creates with the creator as manager, and lets members read, managers change, others not see', async () => {
    const { manager, editor, viewer, outsider, project } = await team();
    expect(project).toEqual({
      id: expect.any(String),
      name: project.name,
      description: '',
      ownerId: manager.id,
      myRole: 'manager',
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect((await client.request(ProjectsContract.get, { projectId: project.id }, as(viewer))).myRole).toBe('viewer');
    expect((await client.request(ProjectsContract.get, { projectId: project.id }, as(admin()))).myRole).toBe('manager');
    expect(await code(client.request(ProjectsContract.get, { projectId: project.id }, as(outsider)))).toBe('NOT_FOUND');
    expect(await code(client.request(ProjectsContract.members, { projectId: project.id }, as(outsider)))).toBe('NOT_FOUND');

    const patch = (actor: Actor, version: number) => client.request(ProjectsContract.update, { projectId: project.id, version, name: `Renamed ${version}` }, as(actor));
    expect(await code(patch(outsider, 1))).toBe('NOT_FOUND');
    expect(await code(patch(viewer, 1))).toBe('FORBIDDEN');
    expect(await code(patch(editor, 1))).toBe('FORBIDDEN');
    expect(await patch(manager, 1)).toMatchObject({ name: 'Renamed 1', version: 2 });
    expect(await code(patch(manager, 1))).toBe('CONFLICT');
    expect(await patch(admin(), 2)).toMatchObject({ name: 'Renamed 2', version: 3 });

    expect(await code(setMember(editor, project.id, outsider.id, 'viewer'))).toBe('FORBIDDEN');
    expect(await code(setMember(manager, project.id, randomUUID(), 'viewer'))).toBe('VALIDATION');
    const members = await client.request(ProjectsContract.members, { projectId: project.id }, as(viewer));
    expect(members.items.map((m) => [m.userId, m.role])).toEqual([
      [manager.id, 'manager'],
      [editor.id, 'editor'],
      [viewer.id, 'viewer'],
    ]);
    expect(members.items[0]).toEqual({ userId: manager.id, name: 'Tasks Tester', email: expect.stringContaining('@'), role: 'manager', addedAt: expect.any(String) });

    const mine = await client.request(ProjectsContract.list, {}, as(editor));
    expect(mine.items.map((p) => p.id)).toEqual([project.id]);
    expect((await client.request(ProjectsContract.list, {}, as(outsider))).items).toEqual([]);
    expect((await client.request(ProjectsContract.list, { q: 'renamed 2' }, as(editor))).items).toHaveLength(1);
    expect((await client.request(ProjectsContract.list, { q: 'nothing like it' }, as(editor))).items).toHaveLength(0);
    expect(await code(client.request(ProjectsContract.delete, { projectId: project.id }, as(editor)))).toBe('FORBIDDEN');
  });

  it('pages projects by cursor without repeats', async () => {
    const owner = await registerUser(client);
    const created = [];
    for (let i = 0; i < 5; i += 1) created.push((await createProject(owner, `Paged ${i}`)).id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.request(ProjectsContract.list, { limit: 2, ...(cursor ? { cursor } : {}) }, as(owner));
      seen.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...created].reverse());
  });

  it('refuses every project subject without a verified token, and counts co-members as collaborators', async () => {
    const { manager, editor, viewer, outsider, project } = await team();
    const subjects = [
      client.request(ProjectsContract.create, { name: 'x' }, { accessToken: undefined }),
      client.request(ProjectsContract.list, {}, { accessToken: undefined }),
      client.request(ProjectsContract.get, { projectId: project.id }, { accessToken: undefined }),
      client.request(ProjectsContract.update, { projectId: project.id, version: 1, name: 'x' }, { accessToken: undefined }),
      client.request(ProjectsContract.delete, { projectId: project.id }, { accessToken: undefined }),
      client.request(ProjectsContract.members, { projectId: project.id }, { accessToken: undefined }),
      client.request(ProjectsContract.setMember, { projectId: project.id, userId: outsider.id, role: 'viewer' }, { accessToken: undefined }),
      client.request(ProjectsContract.removeMember, { projectId: project.id, userId: viewer.id }, { accessToken: undefined }),
    ];
    for (const outcome of subjects) expect(await code(outcome)).toBe('UNAUTHORIZED');
    expect((await client.request(ProjectsContract.get, { projectId: project.id }, as(manager))).version).toBe(1);
    expect((await client.request(TasksContract.collaborators, {}, as(viewer))).sort()).toEqual([manager.id, editor.id].sort());
    expect(await client.request(TasksContract.collaborators, {}, as(outsider))).toEqual([]);
  });

  it('keeps a last manager: removing or demoting them is 409, promoting another first works', async () => {
    const { manager, editor, project } = await team();
    expect(await code(setMember(manager, project.id, manager.id, 'editor'))).toBe('CONFLICT');
    expect(await code(client.request(ProjectsContract.removeMember, { projectId: project.id, userId: manager.id }, as(manager)))).toBe('CONFLICT');
    await setMember(manager, project.id, editor.id, 'manager');
    expect((await setMember(editor, project.id, manager.id, 'viewer')).role).toBe('viewer');
    // Members may remove themselves, not others.
    expect(await code(client.request(ProjectsContract.removeMember, { projectId: project.id, userId: editor.id }, as(manager)))).toBe('FORBIDDEN');
    await client.request(ProjectsContract.removeMember, { projectId: project.id, userId: manager.id }, as(manager));
    expect(await code(client.request(ProjectsContract.get, { projectId: project.id }, as(manager)))).toBe('NOT_FOUND');
  });
});

describe('project tasks', () => {
  it('enforce the role matrix: editors change, viewers read, assigned viewers change status, outsiders see nothing', async () => {
    const { manager, editor, viewer, outsider, project } = await team();
    expect(await code(createTask(viewer, project.id))).toBe('FORBIDDEN');
    expect(await code(createTask(outsider, project.id))).toBe('NOT_FOUND');
    expect(await code(createTask(admin(), randomUUID()))).toBe('NOT_FOUND');
    const task = await createTask(editor, project.id);
    expect(task).toMatchObject({ projectId: project.id, ownerId: editor.id });

    for (const actor of [manager, editor, viewer, admin()]) expect((await getTask(actor, task.id)).id).toBe(task.id);
    expect(await code(getTask(outsider, task.id))).toBe('NOT_FOUND');
    expect(await code(client.request(TasksContract.update, { taskId: task.id, version: 1, status: 'done' }, as(outsider)))).toBe('NOT_FOUND');
    expect(await code(client.request(TasksContract.update, { taskId: task.id, version: 1, status: 'done' }, as(viewer)))).toBe('FORBIDDEN');

    // Assignees must be members; editors (un)assign.
    expect(await code(client.request(TasksContract.assign, { taskId: task.id, userId: outsider.id }, as(editor)))).toBe('VALIDATION');
    expect(await code(client.request(TasksContract.assign, { taskId: task.id, userId: viewer.id }, as(viewer)))).toBe('FORBIDDEN');
    const assigned = await client.request(TasksContract.assign, { taskId: task.id, userId: viewer.id }, as(manager));
    expect(await code(client.request(TasksContract.update, { taskId: task.id, version: assigned.version, title: 'Nope' }, as(viewer)))).toBe('FORBIDDEN');
    const done = await client.request(TasksContract.update, { taskId: task.id, version: assigned.version, status: 'done' }, as(viewer));
    const renamed = await client.request(TasksContract.update, { taskId: task.id, version: done.version, title: 'By the manager' }, as(manager));

    // Managers delete; editors who do not own the task may not.
    const other = await createTask(manager, project.id);
    expect(await code(client.request(TasksContract.delete, { taskId: other.id }, as(editor)))).toBe('FORBIDDEN');
    expect(await code(client.request(TasksContract.delete, { taskId: other.id }, as(viewer)))).toBe('FORBIDDEN');
    await client.request(TasksContract.delete, { taskId: other.id }, as(manager));
    expect(await code(client.request(TasksContract.delete, { taskId: renamed.id }, as(outsider)))).toBe('NOT_FOUND');

    // Task events carry projectId, and every member is in their audience.
    const [updated] = await outboxEvents<TaskEvent>(`payload->>'taskId' = $1 AND payload->>'type' = 'task.updated' AND payload->'changes' ? 'title'`, [task.id]);
    expect(updated!.projectId).toBe(project.id);
    expect(updated!.audience.sort()).toEqual([manager.id, editor.id, viewer.id].sort());
  });

  it('move between projects only for editors of both, with members as assignees', async () => {
    const { manager, editor, viewer, project } = await team();
    const second = await createProject(editor);
    const task = await createTask(editor, project.id);
    const move = (actor: Actor, version: number, projectId: string | null) => client.request(TasksContract.update, { taskId: task.id, version, projectId }, as(actor));
    // The manager of the first project is no member of the second.
    expect(await code(move(manager, 1, second.id))).toBe('NOT_FOUND');
    expect(await code(move(viewer, 1, second.id))).toBe('FORBIDDEN');
    const assigned = await client.request(TasksContract.assign, { taskId: task.id, userId: viewer.id }, as(editor));
    expect(await code(move(editor, assigned.version, second.id))).toBe('VALIDATION');
    await client.request(TasksContract.unassign, { taskId: task.id, userId: viewer.id }, as(editor));
    const moved = await move(editor, assigned.version + 1, second.id);
    expect(moved.projectId).toBe(second.id);
    expect(await code(getTask(manager, task.id))).toBe('NOT_FOUND');
    const out = await move(editor, moved.version, null);
    expect(out.projectId).toBeNull();
    expect(await listIds(editor, { projectId: 'none' })).toContain(task.id);
    expect(await listIds(editor, { projectId: second.id })).not.toContain(task.id);
  });

  it('lists owned, assigned and project tasks, filtered by project; a removed member stops seeing them at once (cached lists too)', async () => {
    const { manager, editor, viewer, project } = await team();
    const own = await createTask(viewer);
    const inProject = await createTask(editor, project.id);
    const assignedToViewer = await createTask(manager, project.id);
    await client.request(TasksContract.assign, { taskId: assignedToViewer.id, userId: viewer.id }, as(manager));

    expect((await listIds(viewer)).sort()).toEqual([own.id, inProject.id, assignedToViewer.id].sort());
    expect((await listIds(viewer, { projectId: project.id })).sort()).toEqual([inProject.id, assignedToViewer.id].sort());
    expect(await listIds(viewer, { projectId: 'none' })).toEqual([own.id]);
    // Cached now; a new project task by someone else shows at once.
    const later = await createTask(editor, project.id);
    expect(await listIds(viewer)).toContain(later.id);

    await client.request(ProjectsContract.removeMember, { projectId: project.id, userId: viewer.id }, as(manager));
    expect(await code(getTask(viewer, inProject.id))).toBe('NOT_FOUND');
    // Unassigned on the way out, so the assigned task is gone too.
    expect(await code(getTask(viewer, assignedToViewer.id))).toBe('NOT_FOUND');
    expect(await listIds(viewer)).toEqual([own.id]);
    const unassigned = await outboxEvents<TaskEvent>(`payload->>'taskId' = $1 AND payload->>'type' = 'task.unassigned'`, [assignedToViewer.id]);
    expect(unassigned).toHaveLength(1);
    expect(unassigned[0]!.audience).toContain(viewer.id);

    // Added back: sees them again at once.
    await setMember(manager, project.id, viewer.id, 'viewer');
    expect(await listIds(viewer)).toEqual(expect.arrayContaining([inProject.id, later.id]));
  });

  it('keyset paging stays stable while tasks join and leave projects', async () => {
    const { manager, editor, project } = await team();
    const ids: string[] = [];
    for (let i = 0; i < 8; i += 1) ids.push((await createTask(i % 2 ? editor : manager, project.id, `Stable ${i}`)).id);
    const seen: TaskDto[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.request(TasksContract.list, { limit: 3, ...(cursor ? { cursor } : {}) }, as(editor));
      seen.push(...page.items);
      // Meanwhile: a new project task and one moved in from outside.
      await createTask(manager, project.id, 'Joined while paging');
      const outside = await createTask(editor, undefined, 'Moved in while paging');
      await client.request(TasksContract.update, { taskId: outside.id, version: 1, projectId: project.id }, as(editor));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const pagedIds = seen.map((t) => t.id);
    expect(new Set(pagedIds).size).toBe(pagedIds.length);
    for (const id of ids) expect(pagedIds).toContain(id);
  });

  it('deleting a project deletes its tasks, each with task.deleted, and the project event, in one transaction', async () => {
    const { manager, editor, viewer, project } = await team();
    const tasks = [await createTask(editor, project.id), await createTask(manager, project.id), await createTask(editor, project.id)];
    await client.request(TasksContract.assign, { taskId: tasks[0]!.id, userId: viewer.id }, as(editor));
    const keep = await createTask(editor);
    await client.request(ProjectsContract.delete, { projectId: project.id }, as(manager));

    for (const task of tasks) expect(await code(getTask(admin(), task.id))).toBe('NOT_FOUND');
    expect((await getTask(editor, keep.id)).id).toBe(keep.id);
    expect(await code(client.request(ProjectsContract.get, { projectId: project.id }, as(admin())))).toBe('NOT_FOUND');
    expect(await listIds(viewer)).toEqual([]);
    const deleted = await outboxEvents<TaskEvent>(`payload->>'projectId' = $1 AND payload->>'type' = 'task.deleted'`, [project.id]);
    expect(deleted.map((e) => e.taskId).sort()).toEqual(tasks.map((t) => t.id).sort());
    const projectEvents = await outboxEvents<ProjectEvent>(`subject LIKE 'projects.events.%' AND payload->>'projectId' = $1`, [project.id]);
    expect(projectEvents.map((e) => e.type)).toEqual(['project.created', 'project.member_added', 'project.member_added', 'project.deleted']);
    expect(projectEvents.at(-1)!.audience.sort()).toEqual([manager.id, editor.id, viewer.id].sort());
    // All of them reach the stream.
    await waitFor(async () => {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL AND payload->>'projectId' = $1`, [project.id]);
      return rows[0].n === 0;
    }, 15000, 'the project events to be published');
  });
});
