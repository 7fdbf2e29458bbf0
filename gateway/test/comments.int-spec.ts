import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { COMMENT_BODY_MAX, type CommentDto, type CommentPageDto } from '#contracts';
import { Api, TEST_ADMIN, type ApiResponse, assignTask, createTask, freePort, registerUser, startService, startStack, type Stack } from '#testing';

let stack: Stack;
let api: Api;
let adminToken: string;
let adminId: string;

beforeAll(async () => {
  stack = await startStack({}, ['auth-service', 'tasks-service']);
  api = new Api(stack.baseUrl);
  const admin = await api.post('/api/auth/login', { email: TEST_ADMIN.email, password: TEST_ADMIN.password });
  expect(admin.status).toBe(200);
  adminToken = admin.body.accessToken;
  adminId = admin.body.user.id;
});
afterAll(() => stack?.close());

type Who = 'owner' | 'assignee' | 'editor' | 'viewer' | 'outsider' | 'admin';
const MISSING_ID = '00000000-0000-4000-8000-000000000000';

/** A project task (owned by the manager) with an assignee, an editor, a viewer, an outsider. */
async function team() {
  const [owner, assignee, editor, viewer, outsider] = await Promise.all([registerUser(api), registerUser(api), registerUser(api), registerUser(api), registerUser(api)]);
  const project = await api.post('/api/projects', { name: 'Talk' }, { token: owner.accessToken });
  expect(project.status).toBe(201);
  for (const [user, role] of [[assignee, 'viewer'], [editor, 'editor'], [viewer, 'viewer']] as const) {
    expect((await api.request('PUT', `/api/projects/${project.body.id}/members/${user.user.id}`, { body: { role }, token: owner.accessToken })).status).toBe(200);
  }
  const task = await createTask(api, owner.accessToken, { projectId: project.body.id });
  await assignTask(api, owner.accessToken, task.id, assignee.user.id);
  const users = { owner, assignee, editor, viewer, outsider };
  const token: Record<Who, string> = { ...Object.fromEntries(Object.entries(users).map(([who, user]) => [who, user.accessToken])), admin: adminToken } as Record<Who, string>;
  const id: Record<Exclude<Who, 'admin'>, string> = Object.fromEntries(Object.entries(users).map(([who, user]) => [who, user.user.id])) as Record<Exclude<Who, 'admin'>, string>;
  return { task, project: project.body, token, id };
}

const comments = (taskId: string) => `/api/tasks/${taskId}/comments`;

async function comment(token: string, taskId: string, body: string, mentionIds?: string[]): Promise<CommentDto> {
  const response = await api.post<CommentDto>(comments(taskId), { body, ...(mentionIds ? { mentionIds } : {}) }, { token });
  expect([response.status, response.text]).toEqual([201, expect.any(String)]);
  return response.body;
}

describe('comments over HTTP', () => {
  it('creates with 201 and stores the body exactly as sent, never rendered', async () => {
    const { task, token, id } = await team();
    const body = '  <script>alert("x")</script> **bold** \n\t& émoji 🎉  ';
    const created = await comment(token.editor, task.id, body, [id.assignee]);
    expect(created).toEqual({
      id: expect.any(String),
      taskId: task.id,
      authorId: id.editor,
      body,
      mentionIds: [id.assignee],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      editedAt: null,
    });
    const listed = await api.get(comments(task.id), { token: token.owner });
    expect(listed.headers.get('content-type')).toMatch(/^application\/json/);
    expect(listed.body).toEqual({ items: [created], nextCursor: null });
  });

  it('applies the permissions matrix: post, list, edit (author only), delete', async () => {
    const { task, token } = await team();
    const expectedPost: Record<Who, number> = { owner: 201, assignee: 201, editor: 201, viewer: 403, outsider: 404, admin: 201 };
    const expectedList: Record<Who, number> = { owner: 200, assignee: 200, editor: 200, viewer: 200, outsider: 404, admin: 200 };
    for (const who of Object.keys(expectedPost) as Who[]) {
      expect([who, (await api.post(comments(task.id), { body: `by ${who}` }, { token: token[who] })).status]).toEqual([who, expectedPost[who]]);
      expect([who, (await api.get(comments(task.id), { token: token[who] })).status]).toEqual([who, expectedList[who]]);
    }

    // Edit: the author only (others who see the task: 403; outsiders: 404).
    const editorsComment = await comment(token.editor, task.id, 'mine');
    const editExpected: Record<Who, number> = { owner: 403, assignee: 403, viewer: 403, outsider: 404, admin: 403, editor: 200 };
    for (const who of Object.keys(editExpected) as Who[]) {
      const response = await api.patch(`${comments(task.id)}/${editorsComment.id}`, { body: `edited by ${who}` }, { token: token[who] });
      expect([who, response.status]).toEqual([who, editExpected[who]]);
    }
    const edited = (await api.get(comments(task.id), { token: token.owner })).body.items.find((c: CommentDto) => c.id === editorsComment.id);
    expect(edited.body).toBe('edited by editor');
    expect(edited.editedAt).not.toBeNull();
    expect(Date.parse(edited.editedAt)).toBeGreaterThanOrEqual(Date.parse(editorsComment.createdAt));

    // Delete: author, task owner, project manager, admin; not another editor, an assignee or a viewer.
    const deleteExpected: Record<Who, number> = { assignee: 403, viewer: 403, outsider: 404, owner: 204, admin: 204, editor: 204 };
    for (const who of Object.keys(deleteExpected) as Who[]) {
      const target = await comment(token.editor, task.id, `to delete by ${who}`);
      const response = await api.delete(`${comments(task.id)}/${target.id}`, { token: token[who] });
      expect([who, response.status]).toEqual([who, deleteExpected[who]]);
    }
    expect((await api.delete(`${comments(task.id)}/${MISSING_ID}`, { token: token.owner })).status).toBe(404);
  });

  it('lets a manager of the project who does not own the task delete comments', async () => {
    const { task, project, token, id } = await team();
    expect((await api.request('PUT', `/api/projects/${project.id}/members/${id.editor}`, { body: { role: 'manager' }, token: token.owner })).status).toBe(200);
    const target = await comment(token.assignee, task.id, 'x');
    expect((await api.delete(`${comments(task.id)}/${target.id}`, { token: token.editor })).status).toBe(204);
  });

  it('accepts a body at the limit (201) and refuses one over it, an empty one and bad fields (400)', async () => {
    const { task, token } = await team();
    expect((await api.post(comments(task.id), { body: 'x'.repeat(COMMENT_BODY_MAX) }, { token: token.owner })).status).toBe(201);
    for (const body of [{ body: 'x'.repeat(COMMENT_BODY_MAX + 1) }, { body: '' }, {}, { body: 'ok', mentionIds: ['nope'] }, { body: 'ok', authorId: MISSING_ID }, { body: 'a\u0000b' }]) {
      const response = await api.post(comments(task.id), body, { token: token.owner });
      expect([JSON.stringify(body).slice(0, 60), response.status]).toEqual([JSON.stringify(body).slice(0, 60), 400]);
    }
    expect((await api.get(`/api/tasks/not-a-uuid/comments`, { token: token.owner })).status).toBe(400);
    expect((await api.post(comments(MISSING_ID), { body: 'x' }, { token: token.owner })).status).toBe(404);
    expect((await api.get(comments(task.id))).status).toBe(401);
    expect((await api.get(`${comments(task.id)}?cursor=bogus`, { token: token.owner })).status).toBe(400);
  });

  it('validates mentions against who can see the task (400 otherwise)', async () => {
    const { task, token, id } = await team();
    // Owner, assignee and every project member (viewers too) can be mentioned.
    const ok = await comment(token.owner, task.id, 'hi all', [id.assignee, id.editor, id.viewer, id.owner]);
    expect(ok.mentionIds).toEqual([id.assignee, id.editor, id.viewer, id.owner]);
    for (const mentionIds of [[id.outsider], [id.editor, MISSING_ID]]) {
      expect((await api.post(comments(task.id), { body: 'x', mentionIds }, { token: token.owner })).status).toBe(400);
    }
    expect((await api.patch(`${comments(task.id)}/${ok.id}`, { body: 'x', mentionIds: [id.outsider] }, { token: token.owner })).status).toBe(400);
    // Absent mentionIds on edit keeps them.
    const kept = await api.patch(`${comments(task.id)}/${ok.id}`, { body: 'reworded' }, { token: token.owner });
    expect(kept.body.mentionIds).toEqual(ok.mentionIds);
  });

  it('lets admins be mentioned (they see every task), and a user once made admin', async () => {
    const { task, token, id } = await team();
    const withAdmin = await comment(token.editor, task.id, 'cc admin', [id.assignee, adminId]);
    expect(withAdmin.mentionIds).toEqual([id.assignee, adminId]);
    expect((await api.post(comments(task.id), { body: 'x', mentionIds: [adminId, id.outsider] }, { token: token.owner })).status).toBe(400);
    expect((await api.request('PATCH', `/api/users/${id.outsider}/role`, { body: { role: 'admin' }, token: adminToken })).status).toBe(200);
    const edited = await api.patch(`${comments(task.id)}/${withAdmin.id}`, { body: 'cc both', mentionIds: [adminId, id.outsider] }, { token: token.editor });
    expect([edited.status, edited.body.mentionIds]).toEqual([200, [adminId, id.outsider]]);
  });

  it('deletes the comments with their task', async () => {
    const { task, token } = await team();
    await comment(token.owner, task.id, 'one');
    await comment(token.editor, task.id, 'two');
    expect((await api.delete(`/api/tasks/${task.id}`, { token: token.owner })).status).toBe(204);
    expect((await api.get(comments(task.id), { token: token.admin })).status).toBe(404);
    const db = new pg.Client({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
    const { rows } = await db.query('SELECT count(*)::int AS n FROM task_comments WHERE task_id = $1', [task.id]).finally(() => db.end());
    expect(rows[0].n).toBe(0);
  });

  it('pages oldest first and misses or repeats nothing while comments are being added', async () => {
    const { task, token } = await team();
    const first = await Promise.all(Array.from({ length: 5 }, (_, i) => comment(token.owner, task.id, `seed ${i}`)));
    // Four writers, each adding comments one after another: commits interleave all along the read.
    const writers = Promise.all(
      [token.editor, token.assignee, token.owner, token.admin].map(async (writer, w) => {
        for (let i = 0; i < 10; i += 1) await comment(writer, task.id, `live ${w}.${i}`);
      }),
    );
    let writing = true;
    void writers.finally(() => (writing = false));
    // A reader pages with limit 1 while the writers run, and once more after: the pages before
    // the cursor are final (nothing older may appear behind it), the last page is re-read.
    const passed: CommentDto[] = [];
    let tail: CommentDto[] = [];
    let cursor: string | null = null;
    for (let lastPass = false; ; ) {
      const page: ApiResponse<CommentPageDto> = await api.get(`${comments(task.id)}?limit=1${cursor ? `&cursor=${cursor}` : ''}`, { token: token.viewer });
      expect(page.status).toBe(200);
      if (page.body.nextCursor) {
        passed.push(...page.body.items);
        cursor = page.body.nextCursor;
        continue;
      }
      tail = page.body.items;
      if (lastPass) break;
      if (!writing) lastPass = true;
    }
    const seen = [...passed, ...tail];
    await writers;
    const all = (await api.get(`${comments(task.id)}?limit=100`, { token: token.owner })).body.items as CommentDto[];
    expect(all).toHaveLength(45);
    expect(seen.map((c) => c.id)).toEqual(all.map((c) => c.id));
    expect(all.slice(0, 5).map((c) => c.id).sort()).toEqual(first.map((c) => c.id).sort());
    const times = all.map((c) => Date.parse(c.createdAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('documents every comment route in OpenAPI, with bearer auth', async () => {
    const doc = await api.get('/api/docs-json');
    const path = doc.body.paths['/api/tasks/{id}/comments'];
    const one = doc.body.paths['/api/tasks/{id}/comments/{commentId}'];
    expect(Object.keys(path).sort()).toEqual(['get', 'post']);
    expect(Object.keys(one).sort()).toEqual(['delete', 'patch']);
    for (const operation of [path.get, path.post, one.patch, one.delete]) expect(operation.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(path.post.responses)).toEqual(expect.arrayContaining(['201', '400', '403', '404', '429']));
    expect(JSON.stringify(path.post.requestBody)).toMatch(/CreateCommentBody/);
  });

  it('is rate limited like every route (429 once the limit is spent)', async () => {
    const { task, token } = await team();
    const port = await freePort();
    // A second gateway on the same back ends with a small limit; its own client address.
    const gateway = await startService('gateway', { ...stack.env, PORT: String(port), RATE_LIMIT_MAX: '3', TRUST_PROXY: '127.0.0.1' });
    try {
      const limited = new Api(`http://127.0.0.1:${port}`, { 'x-forwarded-for': `10.9.${randomInt(256)}.${randomInt(1, 255)}` });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) statuses.push((await limited.post(comments(task.id), { body: `n${i}` }, { token: token.owner })).status);
      expect(statuses).toEqual([201, 201, 201, 429, 429]);
    } finally {
      await gateway.stop();
    }
  });
});
