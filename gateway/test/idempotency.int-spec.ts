import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Api, registerUser, startStack, type Stack } from '#testing';

let stack: Stack;
let api: Api;

beforeAll(async () => {
  stack = await startStack({}, ['auth-service', 'tasks-service']);
  api = new Api(stack.baseUrl);
});
afterAll(() => stack?.close());

const create = (token: string, key: string | undefined, body: object) =>
  api.post('/api/tasks', body, { token, headers: key === undefined ? {} : { 'idempotency-key': key } });
const taskIds = async (token: string) => ((await api.get('/api/tasks?limit=100', { token })).body.items as Array<{ id: string }>).map((t) => t.id);

describe('POST /api/tasks with Idempotency-Key', () => {
  it('a retry with the same key and body answers 201 with the first task; no second task is created', async () => {
    const user = await registerUser(api);
    const key = randomUUID();
    const first = await create(user.accessToken, key, { title: 'Pay the invoice', priority: 'high' });
    expect(first.status).toBe(201);
    const retry = await create(user.accessToken, key, { title: 'Pay the invoice', priority: 'high' });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(await taskIds(user.accessToken)).toEqual([first.body.id]);
  });

  it('concurrent requests with one key create one task, and all answer it', async () => {
    const user = await registerUser(api);
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 6 }, () => create(user.accessToken, key, { title: 'Once' })));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await taskIds(user.accessToken)).toEqual([answers[0]!.body.id]);
  });

  it('the same key with a different body is 409, and creates nothing', async () => {
    const user = await registerUser(api);
    const key = randomUUID();
    const first = await create(user.accessToken, key, { title: 'One thing' });
    expect(first.status).toBe(201);
    const other = await create(user.accessToken, key, { title: 'Another thing' });
    expect(other.status).toBe(409);
    expect(other.body).toEqual({ statusCode: 409, error: 'Conflict', message: expect.stringMatching(/Idempotency-Key/), requestId: expect.any(String) });
    expect(await taskIds(user.accessToken)).toEqual([first.body.id]);
  });

  it('keys are per user: another user with the same key gets a task of their own', async () => {
    const [alice, bob] = await Promise.all([registerUser(api), registerUser(api)]);
    const key = `shared-${randomUUID()}`;
    const mine = await create(alice.accessToken, key, { title: 'Same title' });
    const theirs = await create(bob.accessToken, key, { title: 'Same title' });
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(theirs.body.ownerId).toBe(bob.user.id);
  });

  it('without a key every POST creates a task', async () => {
    const user = await registerUser(api);
    const [a, b] = [await create(user.accessToken, undefined, { title: 'Twice' }), await create(user.accessToken, undefined, { title: 'Twice' })];
    expect(a.body.id).not.toBe(b.body.id);
    expect((await taskIds(user.accessToken)).sort()).toEqual([a.body.id, b.body.id].sort());
  });

  it.each([[''], ['k'.repeat(201)], ['with space'], ['ünicode']])('a malformed key (%j) is 400 and creates nothing', async (key) => {
    const user = await registerUser(api);
    const response = await api.request('POST', '/api/tasks', { token: user.accessToken, body: { title: 'x' }, headers: { 'idempotency-key': key } }).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
    // fetch itself refuses non-ByteString header values (ü): nothing reached the server.
    if (response instanceof Error) expect(key).toMatch(/[^\x00-\xff]/);
    else expect(response.status).toBe(400);
    expect(await taskIds(user.accessToken)).toEqual([]);
  });

  it('the key cannot come in the body', async () => {
    const user = await registerUser(api);
    const response = await create(user.accessToken, undefined, { title: 'x', idempotencyKey: 'abc' });
    expect(response.status).toBe(400);
  });

  it('is documented on the route', async () => {
    const doc = (await api.get('/api/docs-json')).body;
    const parameters = doc.paths['/api/tasks'].post.parameters as Array<{ name: string; in: string }>;
    expect(parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }));
  });
});
