import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Api, refreshCookie, registerUser, startStack, waitFor, type Stack } from '#testing';

/** Finding 8c of issue 10: two tabs refreshing with one cookie must not revoke the login. */
const GRACE_S = 2;

let stack: Stack;
let api: Api;

beforeAll(async () => {
  stack = await startStack({ REFRESH_REUSE_GRACE_S: String(GRACE_S) });
  api = new Api(stack.baseUrl);
});
afterAll(() => stack?.close());

const refresh = (cookie: string) => api.post('/api/auth/refresh', undefined, { cookie });
const cookieOf = (response: Awaited<ReturnType<typeof refresh>>) => `refresh_token=${refreshCookie(response)!.value}`;

describe('refresh token reuse grace window', () => {
  it('two refreshes with one cookie at the same moment both succeed, with the same new cookie', async () => {
    const user = await registerUser(api);
    const [a, b] = await Promise.all([refresh(user.cookie), refresh(user.cookie)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(cookieOf(a)).toBe(cookieOf(b));
    expect(cookieOf(a)).not.toBe(user.cookie);
    for (const response of [a, b]) expect((await api.get('/api/auth/me', { token: response.body.accessToken })).status).toBe(200);
    // The login lives on: the shared successor rotates as usual.
    expect((await refresh(cookieOf(a))).status).toBe(200);
  });

  it('within the window a used token answers its successor again; after it, reuse revokes the whole login', async () => {
    const user = await registerUser(api);
    const rotatedAt = Date.now();
    const first = await refresh(user.cookie);
    expect(first.status).toBe(200);
    const successor = cookieOf(first);
    const again = await refresh(user.cookie);
    expect(again.status).toBe(200);
    expect(cookieOf(again)).toBe(successor);

    // Presented again and again: the same successor while the window lasts, then 401.
    const handedOut = new Set<string>();
    const revoked = await waitFor(async () => {
      const response = await refresh(user.cookie);
      if (response.status === 200) handedOut.add(cookieOf(response));
      return response.status === 401 ? response : undefined;
    }, (GRACE_S + 5) * 1000, 'the grace window to end');
    expect([...handedOut].filter((cookie) => cookie !== successor)).toEqual([]);
    expect(Date.now() - rotatedAt).toBeGreaterThanOrEqual(GRACE_S * 1000);
    expect(revoked.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    // The reuse revoked the family: the successor, handed out twice, is dead too.
    expect((await refresh(successor)).status).toBe(401);
  });

  it('does not hand out the successor of a login that was logged out', async () => {
    const user = await registerUser(api);
    const first = await refresh(user.cookie);
    expect((await api.post('/api/auth/logout', undefined, { cookie: cookieOf(first) })).status).toBe(204);
    expect((await refresh(user.cookie)).status).toBe(401);
  });
});
