import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { headers } from '@nats-io/transport-node';
import pg from 'pg';
import { RpcError, TasksContract, type Actor, type TaskDto, type UpdateTaskRequest } from '#contracts';
import { ACCESS_TOKEN_HEADER, DEADLINE_HEADER, type NatsRpcClient } from '#nats';
import { connectAs, forgedTokens, startService, testEnv, tokenFor, waitFor, type RunningService } from '#testing';
import { admin, as, natsClient, registerUser } from './factories/tasks-context.js';

let services: RunningService[] = [];
let client: NatsRpcClient;

beforeAll(async () => {
  services = await Promise.all([startService('auth-service', testEnv()), startService('tasks-service', testEnv())]);
  client = await natsClient();
}, 60000);
afterAll(async () => {
  await client?.onApplicationShutdown();
  await Promise.all(services.map((service) => service.stop()));
});

async function failure(promise: Promise<unknown>): Promise<RpcError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RpcError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

const create = (actor: Actor, title = `Task ${randomUUID().slice(0, 6)}`, extra: object = {}) =>
  client.request(TasksContract.create, { title, ...extra }, as(actor));

describe('tasks over NATS', () => {
  it('answers ping', async () => {
    const reply = await client.request(TasksContract.ping, {});
    expect(reply).toEqual({ service: 'tasks-service' });
  });

  it('lists collaborators: owners and assignees of the tasks a user shares, nobody else', async () => {
    const [owner, assignee, coAssignee, stranger] = [await registerUser(client), await registerUser(client), await registerUser(client), await registerUser(client)];
    const task = await create(owner);
    await client.request(TasksContract.assign, { taskId: task.id, userId: assignee.id }, as(owner));
    await client.request(TasksContract.assign, { taskId: task.id, userId: coAssignee.id }, as(owner));
    await create(stranger);
    expect((await client.request(TasksContract.collaborators, {}, as(owner))).sort()).toEqual([assignee.id, coAssignee.id].sort());
    expect((await client.request(TasksContract.collaborators, {}, as(assignee))).sort()).toEqual([owner.id, coAssignee.id].sort());
    expect(await client.request(TasksContract.collaborators, {}, as(stranger))).toEqual([]);
  });

  it('creates with defaults and enforces who sees and changes a task', async () => {
    const [owner, assignee, stranger] = [await registerUser(client), await registerUser(client), await registerUser(client)];
    const task = await create(owner, '  Trimmed title ');
    expect(task).toEqual({
      id: expect.any(String),
      title: 'Trimmed title',
      description: '',
      status: 'todo',
      priority: 'medium',
      dueDate: null,
      ownerId: owner.id,
      assigneeIds: [],
      projectId: null,
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect((await failure(client.request(TasksContract.get, { taskId: task.id }, as(stranger)))).code).toBe('NOT_FOUND');
    expect((await failure(client.request(TasksContract.update, { taskId: task.id, version: 1, status: 'done' }, as(stranger)))).code).toBe('NOT_FOUND');
    expect(await client.request(TasksContract.get, { taskId: task.id }, as(admin()))).toEqual(task);

    const unknown = await failure(client.request(TasksContract.assign, { taskId: task.id, userId: randomUUID() }, as(owner)));
    expect(unknown.toBody()).toEqual({ code: 'VALIDATION', message: ['userId does not refer to an existing user'] });

    const assigned = await client.request(TasksContract.assign, { taskId: task.id, userId: assignee.id }, as(owner));
    expect(assigned).toMatchObject({ assigneeIds: [assignee.id], version: 2 });
    expect(await client.request(TasksContract.assign, { taskId: task.id, userId: assignee.id }, as(owner))).toEqual(assigned);

    expect((await failure(client.request(TasksContract.update, { taskId: task.id, version: 2, title: 'Mine now' }, as(assignee)))).code).toBe('FORBIDDEN');
    expect((await failure(client.request(TasksContract.delete, { taskId: task.id }, as(assignee)))).code).toBe('FORBIDDEN');
    expect((await failure(client.request(TasksContract.assign, { taskId: task.id, userId: stranger.id }, as(assignee)))).code).toBe('FORBIDDEN');
    const started = await client.request(TasksContract.update, { taskId: task.id, version: 2, status: 'in_progress' }, as(assignee));
    expect(started).toMatchObject({ status: 'in_progress', version: 3 });

    // The contract requires the version (the compiler holds typed callers to it); an untyped one gets VALIDATION.
    const noVersion = { taskId: task.id, status: 'done' } as Partial<UpdateTaskRequest> as UpdateTaskRequest;
    const missing = await failure(client.request(TasksContract.update, noVersion, as(owner)));
    expect(missing.toBody()).toEqual({ code: 'VALIDATION', message: expect.arrayContaining([expect.stringMatching(/^version /)]) });
    expect((await failure(client.request(TasksContract.update, { taskId: task.id, version: 3 }, as(owner)))).toBody()).toEqual({ code: 'VALIDATION', message: ['nothing to change'] });

    const stale = await failure(client.request(TasksContract.update, { taskId: task.id, version: 2, title: 'Late' }, as(owner)));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.details).toEqual({ current: started });

    const unassigned = await client.request(TasksContract.unassign, { taskId: task.id, userId: assignee.id }, as(owner));
    expect(unassigned).toMatchObject({ assigneeIds: [], version: 4 });
    expect(await client.request(TasksContract.unassign, { taskId: task.id, userId: assignee.id }, as(owner))).toEqual(unassigned);
    expect((await failure(client.request(TasksContract.get, { taskId: task.id }, as(assignee)))).code).toBe('NOT_FOUND');

    expect(await client.request(TasksContract.delete, { taskId: task.id }, as(owner))).toBeNull();
    expect((await failure(client.request(TasksContract.get, { taskId: task.id }, as(owner)))).code).toBe('NOT_FOUND');
  });

  it('lets exactly one of two racing updates with the same version win', async () => {
    const owner = await registerUser(client);
    const task = await create(owner);
    const results = await Promise.allSettled(
      ['first', 'second', 'third'].map((title) => client.request(TasksContract.update, { taskId: task.id, version: 1, title }, as(owner))),
    );
    const won = results.filter((r): r is PromiseFulfilledResult<TaskDto> => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(won[0]!.value.version).toBe(2);
    for (const r of lost) {
      expect((r.reason as RpcError).code).toBe('CONFLICT');
      expect((r.reason as RpcError).details).toEqual({ current: won[0]!.value });
    }
  });

  it('pages without skipping or repeating while tasks are inserted, and refuses bad cursors', async () => {
    const owner = await registerUser(client);
    const ids = new Set<string>();
    for (let i = 0; i < 7; i += 1) ids.add((await create(owner, `Paged ${i}`, { priority: (['low', 'high', 'urgent'] as const)[i % 3], dueDate: i % 2 ? null : new Date(Date.UTC(2031, 0, i + 1)).toISOString() })).id);
    for (const sort of ['createdAt', 'updatedAt', 'dueDate', 'priority'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        const seen: TaskDto[] = [];
        let cursor: string | undefined;
        do {
          const page = await client.request(TasksContract.list, { sort, order, limit: 3, ...(cursor ? { cursor } : {}) }, as(owner));
          seen.push(...page.items);
          // Inserted while paging: must not disturb what is left to read.
          await create(owner, `Inserted during ${sort} ${order}`);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        const pagedIds = seen.map((t) => t.id);
        expect(new Set(pagedIds).size).toBe(pagedIds.length);
        for (const id of ids) expect(pagedIds).toContain(id);
        if (sort === 'dueDate') {
          const dues = seen.filter((t) => ids.has(t.id)).map((t) => t.dueDate);
          expect(dues.slice(dues.indexOf(null)).every((d) => d === null)).toBe(true);
        }
      }
    }
    const first = await client.request(TasksContract.list, { limit: 1, q: 'PAGED' }, as(owner));
    expect(first.items[0]!.title).toMatch(/^Paged/);
    const bad = await failure(client.request(TasksContract.list, { cursor: `${first.nextCursor!.slice(0, -2)}AA` }, as(owner)));
    expect(bad.toBody()).toEqual({ code: 'VALIDATION', message: ['cursor is not a valid cursor'] });
    const otherSort = await failure(client.request(TasksContract.list, { q: 'paged', sort: 'priority', cursor: first.nextCursor! }, as(owner)));
    expect(otherSort.code).toBe('VALIDATION');
    expect((await client.request(TasksContract.list, { q: '%' }, as(owner))).items).toEqual([]);
  });
});

describe('who is asking', () => {
  /** Every subject that acts for a user, with a payload that would otherwise be valid. */
  const userSubjects = (taskId: string, userId: string) => [
    { contract: TasksContract.create, data: { title: 'Forged' } },
    { contract: TasksContract.get, data: { taskId } },
    { contract: TasksContract.update, data: { taskId, version: 1, title: 'Forged' } },
    { contract: TasksContract.delete, data: { taskId } },
    { contract: TasksContract.assign, data: { taskId, userId } },
    { contract: TasksContract.unassign, data: { taskId, userId } },
    { contract: TasksContract.list, data: {} },
    { contract: TasksContract.collaborators, data: {} },
  ];

  it('refuses a missing, forged, expired, exp-less, HS256-confused or unknown-key token on every subject that acts for a user', async () => {
    const owner = await registerUser(client);
    const task = await create(owner);
    for (const { contract, data } of userSubjects(task.id, owner.id)) {
      const missing = await failure(client.request(contract as typeof TasksContract.get, data as never, { accessToken: undefined }));
      expect({ subject: contract.subject, code: missing.code }).toEqual({ subject: contract.subject, code: 'UNAUTHORIZED' });
      for (const { name, token } of forgedTokens({ id: owner.id, role: 'admin' })) {
        const forged = await failure(client.request(contract as typeof TasksContract.get, data as never, { accessToken: token }));
        expect({ subject: contract.subject, name, code: forged.code }).toEqual({ subject: contract.subject, name, code: 'UNAUTHORIZED' });
      }
    }
    // Nothing was changed by any of them.
    expect(await client.request(TasksContract.get, { taskId: task.id }, as(owner))).toEqual(task);
  });

  it('never takes the caller from the payload: an `actor` field is refused, or ignored where nothing is read', async () => {
    const [owner, stranger] = [await registerUser(client), await registerUser(client)];
    const task = await create(owner);
    const forgedActor = { id: owner.id, role: 'admin' };
    const refused = await failure(client.request(TasksContract.get, { taskId: task.id, actor: forgedActor } as never, as(stranger)));
    expect(refused.code).toBe('VALIDATION');
    expect((await failure(client.request(TasksContract.get, { taskId: task.id }, as(stranger)))).code).toBe('NOT_FOUND');
    // collaborators reads no payload: the answer is the token's user's, whatever the payload says.
    expect(await client.request(TasksContract.collaborators, { actor: forgedActor } as never, as(stranger))).toEqual([]);
  });
});

describe('deadlines', () => {
  it('drops a request whose deadline passed before it was handled: TIMEOUT, and no task is created', async () => {
    const owner = await registerUser(client);
    const title = `Expired ${randomUUID().slice(0, 8)}`;
    const nc = await connectAs('gateway');
    try {
      const requestHeaders = headers();
      requestHeaders.set(DEADLINE_HEADER, String(Date.now() - 1));
      requestHeaders.set(ACCESS_TOKEN_HEADER, tokenFor(owner));
      const subject = TasksContract.create.subject;
      const reply = await nc.request(subject, JSON.stringify({ pattern: subject, data: { title }, id: randomUUID() }), { timeout: 5000, headers: requestHeaders });
      expect(reply.json<{ err?: { code: string } }>().err).toMatchObject({ code: 'TIMEOUT' });
    } finally {
      await nc.close();
    }
    expect((await client.request(TasksContract.list, { q: title }, as(owner))).items).toEqual([]);
    // The same request within its deadline is served.
    expect(await create(owner, title)).toMatchObject({ title });
  });

  it('does not create a task whose request waited past its deadline in the database (blocked on a lock)', async () => {
    const owner = await registerUser(client);
    const title = `Queued ${randomUUID().slice(0, 8)}`;
    const blocker = new pg.Client({ connectionString: testEnv().DATABASE_URL });
    await blocker.connect();
    const nc = await connectAs('gateway');
    try {
      // Writers to tasks queue behind this lock, as they would behind a hung database.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE tasks IN SHARE MODE');
      const deadline = Date.now() + 1000;
      const requestHeaders = headers();
      requestHeaders.set(DEADLINE_HEADER, String(deadline));
      requestHeaders.set(ACCESS_TOKEN_HEADER, tokenFor(owner));
      const subject = TasksContract.create.subject;
      // Waits well past the deadline: the service's own answer, once the lock is gone, is what is checked.
      const reply = nc.request(subject, JSON.stringify({ pattern: subject, data: { title }, id: randomUUID() }), { timeout: 10_000, headers: requestHeaders });
      // pg_stat_activity is read once per transaction: the blocker clears its snapshot to see it change.
      const waitingForLock = async () => {
        await blocker.query('SELECT pg_stat_clear_snapshot()');
        return (await blocker.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO tasks%'`)).rowCount! > 0;
      };
      await waitFor(waitingForLock, 5000, 'the create to wait for the lock');
      await waitFor(() => Date.now() > deadline, 5000, 'the deadline to pass');
      await blocker.query('COMMIT');
      expect((await reply).json<{ err?: { code: string } }>().err).toMatchObject({ code: 'TIMEOUT' });
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
      await nc.close();
    }
    expect((await client.request(TasksContract.list, { q: title }, as(owner))).items).toEqual([]);
  });
});
