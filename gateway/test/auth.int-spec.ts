import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Api, TEST_ADMIN, refreshCookie, registerUser, startStack, uniqueEmail, type Stack } from '#testing';

let stack: Stack;
let api: Api;

beforeAll(async () => {
  stack = await startStack();
  api = new Api(stack.baseUrl);
});
afterAll(() => stack?.close());

const login = (email: string, password: string) => api.post('/api/auth/login', { email, password });

describe('POST /api/auth/register', () => {
  it('creates a member and answers 201 with the user, an access token and the refresh cookie', async () => {
    const email = uniqueEmail('reg');
    const response = await api.post('/api/auth/register', { email, password: 'correct horse battery', name: '  Ada Lovelace ' });
    expect(response.status).toBe(201);
    expect(Object.keys(response.body).sort()).toEqual(['accessToken', 'user']);
    expect(response.body.user).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email,
      name: 'Ada Lovelace',
      role: 'member',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(response.text).not.toMatch(/password|hash|\$2b\$/i);
    expect(response.body.accessToken.split('.')).toHaveLength(3);
  });

  it('sets the refresh cookie HttpOnly, SameSite, scoped to /api/auth, for 7 days, not Secure outside production', async () => {
    const response = await api.post('/api/auth/register', { email: uniqueEmail(), password: 'correct horse battery', name: 'C' });
    const cookie = refreshCookie(response)!;
    expect(cookie.value.length).toBeGreaterThan(20);
    const attributes = cookie.attributes.map((a) => a.toLowerCase());
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('path=/api/auth');
    expect(attributes.some((a) => a.startsWith('samesite='))).toBe(true);
    // 7 days from when auth-service issued the token: the seconds the answer took to arrive are gone.
    const maxAge = Number(attributes.find((a) => a.startsWith('max-age='))?.slice('max-age='.length));
    expect(maxAge).toBeLessThanOrEqual(7 * 24 * 3600);
    expect(maxAge).toBeGreaterThan(7 * 24 * 3600 - 60);
    expect(attributes).not.toContain('secure');
  });

  it('refuses an email taken in another case with 409', async () => {
    const first = await registerUser(api);
    const response = await api.post('/api/auth/register', { email: first.email.toUpperCase(), password: 'another password', name: 'Dup' });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ statusCode: 409, error: 'Conflict', requestId: expect.any(String) });
  });

  it('counts the password length in bytes: 72 is fine, 73 is 400, never truncated', async () => {
    const seventyTwo = 'é'.repeat(36); // 72 bytes, 36 characters
    expect((await api.post('/api/auth/register', { email: uniqueEmail(), password: seventyTwo, name: 'B' })).status).toBe(201);
    const tooLong = await api.post('/api/auth/register', { email: uniqueEmail(), password: `${seventyTwo}a`, name: 'B' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.message).toEqual(expect.arrayContaining([expect.stringMatching(/password/)]));
    const short = await api.post('/api/auth/register', { email: uniqueEmail(), password: 'short', name: 'B' });
    expect(short.status).toBe(400);
  });

  it.each([
    ['an unknown field', { email: 'a@b.test', password: 'long enough pw', name: 'A', role: 'admin' }],
    ['an object for a string', { email: { $gt: '' }, password: 'long enough pw', name: 'A' }],
    ['a number for a string', { email: 'a@b.test', password: 12345678901, name: 'A' }],
    ['a bad email', { email: 'not-an-email', password: 'long enough pw', name: 'A' }],
    ['a missing name', { email: 'a@b.test', password: 'long enough pw' }],
    ['an empty body', {}],
  ])('answers 400 in the error shape for %s', async (_case, body) => {
    const response = await api.post('/api/auth/register', body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(Array), requestId: expect.any(String) });
  });
});

describe('POST /api/auth/login', () => {
  it('answers 200 with the user, a token and a cookie', async () => {
    const user = await registerUser(api);
    const response = await login(user.email.toUpperCase(), user.password);
    expect(response.status).toBe(200);
    expect(response.body.user.id).toBe(user.user.id);
    expect(response.body.accessToken).toEqual(expect.any(String));
    expect(refreshCookie(response)).toBeDefined();
  });

  it('gives the same 401 for an unknown email and for a wrong password', async () => {
    const user = await registerUser(api);
    const unknown = await login(uniqueEmail('nobody'), user.password);
    const wrong = await login(user.email, 'wrong password!');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const { requestId: _a, ...unknownBody } = unknown.body;
    const { requestId: _b, ...wrongBody } = wrong.body;
    expect(unknownBody).toEqual(wrongBody);
    expect(refreshCookie(wrong)).toBeUndefined();
  });
});

describe('refresh tokens', () => {
  it('rotate: each refresh gives a new token and a new cookie', async () => {
    const user = await registerUser(api);
    const response = await api.post('/api/auth/refresh', undefined, { cookie: user.cookie });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body)).toEqual(['accessToken']);
    const next = refreshCookie(response)!;
    expect(`refresh_token=${next.value}`).not.toBe(user.cookie);
    const me = await api.get('/api/auth/me', { token: response.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(user.user.id);
  });

  it('work once: reusing one revokes the whole login, descendants included', async () => {
    const user = await registerUser(api);
    const first = await api.post('/api/auth/refresh', undefined, { cookie: user.cookie });
    const child = `refresh_token=${refreshCookie(first)!.value}`;
    const reuse = await api.post('/api/auth/refresh', undefined, { cookie: user.cookie });
    expect(reuse.status).toBe(401);
    expect((await api.post('/api/auth/refresh', undefined, { cookie: child })).status).toBe(401);
    // Another login of the same user is untouched.
    const other = await login(user.email, user.password);
    const otherCookie = `refresh_token=${refreshCookie(other)!.value}`;
    expect((await api.post('/api/auth/refresh', undefined, { cookie: otherCookie })).status).toBe(200);
  });

  it('refuse a missing or forged cookie with 401', async () => {
    expect((await api.post('/api/auth/refresh')).status).toBe(401);
    expect((await api.post('/api/auth/refresh', undefined, { cookie: 'refresh_token=garbage' })).status).toBe(401);
  });
});

describe('logout', () => {
  it('revokes the login, clears the cookie and answers 204', async () => {
    const user = await registerUser(api);
    const response = await api.post('/api/auth/logout', undefined, { cookie: user.cookie });
    expect(response.status).toBe(204);
    const cleared = refreshCookie(response)!;
    expect(cleared.value).toBe('');
    expect(cleared.attributes.map((a) => a.toLowerCase())).toEqual(expect.arrayContaining(['path=/api/auth']));
    expect((await api.post('/api/auth/refresh', undefined, { cookie: user.cookie })).status).toBe(401);
  });

  it('logout-all revokes every login of the user', async () => {
    const user = await registerUser(api);
    const second = await login(user.email, user.password);
    const secondCookie = `refresh_token=${refreshCookie(second)!.value}`;
    expect((await api.post('/api/auth/logout-all', undefined, { token: user.accessToken })).status).toBe(204);
    expect((await api.post('/api/auth/refresh', undefined, { cookie: user.cookie })).status).toBe(401);
    expect((await api.post('/api/auth/refresh', undefined, { cookie: secondCookie })).status).toBe(401);
  });

  it('logout-all needs an access token', async () => {
    expect((await api.post('/api/auth/logout-all')).status).toBe(401);
  });
});

describe('POST /api/auth/password', () => {
  it('changes the password, keeps this login and revokes the others', async () => {
    const user = await registerUser(api);
    const other = await login(user.email, user.password);
    const otherCookie = `refresh_token=${refreshCookie(other)!.value}`;
    const response = await api.post('/api/auth/password', { currentPassword: user.password, newPassword: 'a brand new password' }, { token: user.accessToken });
    expect(response.status).toBe(204);
    expect((await login(user.email, user.password)).status).toBe(401);
    expect((await login(user.email, 'a brand new password')).status).toBe(200);
    expect((await api.post('/api/auth/refresh', undefined, { cookie: otherCookie })).status).toBe(401);
    expect((await api.post('/api/auth/refresh', undefined, { cookie: user.cookie })).status).toBe(200);
  });

  it('refuses a wrong current password and a too-long new one', async () => {
    const user = await registerUser(api);
    const wrong = await api.post('/api/auth/password', { currentPassword: 'not my password', newPassword: 'a brand new password' }, { token: user.accessToken });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toEqual(['currentPassword is incorrect']);
    const tooLong = await api.post('/api/auth/password', { currentPassword: user.password, newPassword: 'x'.repeat(73) }, { token: user.accessToken });
    expect(tooLong.status).toBe(400);
    expect((await login(user.email, user.password)).status).toBe(200);
  });
});

describe('GET /api/auth/me', () => {
  it('returns the caller without any secret', async () => {
    const user = await registerUser(api);
    const response = await api.get('/api/auth/me', { token: user.accessToken });
    expect(response.status).toBe(200);
    expect(response.body).toEqual(user.user);
  });

  it('refuses a missing, malformed or foreign token', async () => {
    expect((await api.get('/api/auth/me')).status).toBe(401);
    expect((await api.get('/api/auth/me', { token: 'abc.def.ghi' })).status).toBe(401);
    expect((await api.get('/api/auth/me', { headers: { authorization: 'Basic YTpi' } })).status).toBe(401);
  });
});

describe('users', () => {
  it('are searched by name or email prefix, case-insensitively, with cursor pagination', async () => {
    const tag = `zq${Date.now().toString(36)}`;
    const created = [];
    for (const name of ['Alpha', 'Bravo', 'Charlie']) created.push(await registerUser(api, { name: `${tag} ${name}` }));
    const caller = created[0]!;
    const page1 = await api.get(`/api/users?q=${tag.toUpperCase()}&limit=2`, { token: caller.accessToken });
    expect(page1.status).toBe(200);
    expect(page1.body.items).toEqual([
      { id: created[0]!.user.id, name: `${tag} Alpha`, email: created[0]!.email },
      { id: created[1]!.user.id, name: `${tag} Bravo`, email: created[1]!.email },
    ]);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await api.get(`/api/users?q=${tag}&limit=2&cursor=${page1.body.nextCursor}`, { token: caller.accessToken });
    expect(page2.body).toEqual({ items: [{ id: created[2]!.user.id, name: `${tag} Charlie`, email: created[2]!.email }], nextCursor: null });
    const byEmail = await api.get(`/api/users?q=${encodeURIComponent(created[1]!.email.slice(0, 12))}`, { token: caller.accessToken });
    expect(byEmail.body.items.map((u: { id: string }) => u.id)).toContain(created[1]!.user.id);
  });

  it('treat LIKE wildcards literally and reject bad paging input', async () => {
    const user = await registerUser(api);
    const wildcard = await api.get('/api/users?q=%25', { token: user.accessToken });
    expect(wildcard.status).toBe(200);
    expect(wildcard.body.items).toEqual([]);
    expect((await api.get('/api/users?limit=0', { token: user.accessToken })).status).toBe(400);
    expect((await api.get('/api/users?limit=101', { token: user.accessToken })).status).toBe(400);
    expect((await api.get('/api/users?limit=abc', { token: user.accessToken })).status).toBe(400);
    expect((await api.get('/api/users?cursor=bm90LWEtY3Vyc29y', { token: user.accessToken })).status).toBe(400);
  });

  it('change role only by an admin', async () => {
    const member = await registerUser(api);
    const target = await registerUser(api);
    const asMember = await api.patch(`/api/users/${target.user.id}/role`, { role: 'admin' }, { token: member.accessToken });
    expect(asMember.status).toBe(403);

    const admin = await login(TEST_ADMIN.email, TEST_ADMIN.password);
    expect(admin.status).toBe(200);
    expect(admin.body.user.role).toBe('admin');
    const token = admin.body.accessToken;
    const promoted = await api.patch(`/api/users/${target.user.id}/role`, { role: 'admin' }, { token });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ id: target.user.id, role: 'admin' });
    // The new role is in the next access token.
    const relogin = await login(target.email, target.password);
    expect(relogin.body.user.role).toBe('admin');

    expect((await api.patch('/api/users/not-a-uuid/role', { role: 'admin' }, { token })).status).toBe(400);
    expect((await api.patch(`/api/users/${target.user.id}/role`, { role: 'owner' }, { token })).status).toBe(400);
    expect((await api.patch('/api/users/00000000-0000-4000-8000-000000000000/role', { role: 'admin' }, { token })).status).toBe(404);
  });
});
