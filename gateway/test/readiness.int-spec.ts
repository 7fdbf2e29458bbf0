import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Api, registerUser, startStack, type Stack } from '#testing';

let stack: Stack;
let api: Api;

beforeAll(async () => {
  stack = await startStack({ NATS_REQUEST_TIMEOUT_MS: '1500' }, ['auth-service', 'tasks-service', 'events-service']);
  api = new Api(stack.baseUrl);
});
afterAll(() => stack?.close());

describe('when auth-service goes away', () => {
  it('readiness turns 503 naming it, requests fail fast with 503, and both recover when it is back', async () => {
    expect((await api.get('/health/ready')).status).toBe(200);
    const user = await registerUser(api);

    expect(await stack.stop('auth-service')).toBe(0);

    const ready = await api.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ statusCode: 503, requestId: expect.any(String) });
    expect(JSON.stringify(ready.body.message)).toMatch(/auth-service/);
    expect((await api.get('/health')).status).toBe(200);

    const started = Date.now();
    const me = await api.get('/api/auth/me', { token: user.accessToken });
    expect(me.status).toBe(503);
    expect(me.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.any(String), requestId: expect.any(String) });
    expect(Date.now() - started).toBeLessThan(1500);

    await stack.start('auth-service');
    expect((await api.get('/health/ready')).status).toBe(200);
    expect((await api.get('/api/auth/me', { token: user.accessToken })).status).toBe(200);
  });
});
