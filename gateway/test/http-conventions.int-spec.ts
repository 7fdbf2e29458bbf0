import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEVELOPMENT_SIGNING_KEY, publicHalf } from '#config';
import { Api, forgedTokens, mintAccessToken, registerUser, startStack, type Stack } from '#testing';

let stack: Stack;
let api: Api;
const ALLOWED_ORIGIN = 'https://app.taskflow.test';

beforeAll(async () => {
  stack = await startStack({ CORS_ORIGIN: `${ALLOWED_ORIGIN},https://admin.taskflow.test` }, ['auth-service', 'tasks-service', 'events-service']);
  api = new Api(stack.baseUrl);
});
afterAll(() => stack?.close());

const errorShape = (statusCode: number) => ({
  statusCode,
  error: expect.any(String),
  message: expect.anything(),
  requestId: expect.any(String),
});

describe('errors', () => {
  it('are JSON in the contract shape for unknown routes', async () => {
    const response = await api.get('/api/nope');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(response.body).toEqual(errorShape(404));
  });

  it('answer malformed JSON with 400, never 500', async () => {
    const response = await api.request('POST', '/api/auth/login', { rawBody: '{"email": "a@b.test", "password": ' });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(errorShape(400));
  });

  it('answer bodies over 100 kB with 413', async () => {
    const response = await api.post('/api/auth/register', { email: 'big@b.test', password: 'long enough pw', name: 'x'.repeat(110 * 1024) });
    expect(response.status).toBe(413);
    expect(response.body).toEqual(errorShape(413));
  });

  it('leak no stack, SQL or driver detail', async () => {
    const response = await api.post('/api/auth/login', { email: "' OR 1=1 --", password: { $gt: '' } });
    expect(response.status).toBe(400);
    expect(response.text).not.toMatch(/at \w+ \(|SELECT|QueryFailed|nats|stack/i);
  });
});

describe('X-Request-Id', () => {
  it('is echoed when the client sends a sane one, on success and on error', async () => {
    const ok = await api.get('/health', { headers: { 'x-request-id': 'client-id-123' } });
    expect(ok.headers.get('x-request-id')).toBe('client-id-123');
    const failed = await api.get('/api/auth/me', { headers: { 'x-request-id': 'client-id-456' } });
    expect(failed.headers.get('x-request-id')).toBe('client-id-456');
    expect(failed.body.requestId).toBe('client-id-456');
  });

  it('is generated when missing or not sane', async () => {
    const generated = await api.get('/health');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const insane = await api.get('/health', { headers: { 'x-request-id': 'x'.repeat(300) } });
    expect(insane.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('access tokens', () => {
  it('refuse every forged, confused, expired, exp-less, overlong or foreign token with 401', async () => {
    const user = await registerUser(api);
    for (const { name, token } of forgedTokens({ id: user.user.id, role: 'admin' })) {
      const response = await api.get('/api/auth/me', { token });
      expect({ name, status: response.status, body: response.body }).toEqual({ name, status: 401, body: errorShape(401) });
    }
  });

  it('accept a correctly signed token (so the cases above fail for the right reason)', async () => {
    const user = await registerUser(api);
    const { token } = mintAccessToken({ id: user.user.id });
    expect((await api.get('/api/auth/me', { token })).status).toBe(200);
    // The gateway's memory of verified tokens answers the second time: still the same user.
    expect((await api.get('/api/auth/me', { token })).body).toMatchObject({ id: user.user.id });
  });

  it('are verified with the keys served at /.well-known/jwks.json', async () => {
    const response = await api.get('/.well-known/jwks.json');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ keys: [publicHalf(DEVELOPMENT_SIGNING_KEY)] });
    const { kid } = JSON.parse(Buffer.from(mintAccessToken().token.split('.')[0]!, 'base64url').toString()) as { kid: string };
    expect(response.body.keys.map((key: { kid: string }) => key.kid)).toContain(kid);
    expect(JSON.stringify(response.body)).not.toMatch(/"d"/);
  });
});

describe('security headers and CORS', () => {
  it('sends helmet headers on every response', async () => {
    for (const response of [await api.get('/health'), await api.get('/api/nope')]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('strict-transport-security')).toMatch(/max-age=/);
      expect(response.headers.get('content-security-policy')).toBeTruthy();
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('answers a preflight from an allowed origin, with credentials', async () => {
    const response = await api.request('OPTIONS', '/api/auth/login', {
      headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    });
    expect([200, 204]).toContain(response.status);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-methods')).toMatch(/POST/);
  });

  it('gives no CORS grant to another origin', async () => {
    const preflight = await api.request('OPTIONS', '/api/auth/login', {
      headers: { origin: 'https://evil.test', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await api.get('/health', { headers: { origin: 'https://evil.test' } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });

  it.each([
    ['without Origin', {}],
    ['with Origin but no requested method', { origin: ALLOWED_ORIGIN }],
  ])('answers an OPTIONS that is not a preflight (%s) in the JSON error shape', async (_case, headers) => {
    for (const path of ['/api/auth/login', '/api/tasks', '/health', '/api/nope']) {
      const response = await api.request('OPTIONS', path, { headers });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      expect(response.body).toEqual({ ...errorShape(400), message: expect.stringMatching(/CORS preflight/) });
      expect(response.headers.get('x-request-id')).toBe(response.body.requestId);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('gives a preflight the request id and helmet headers too', async () => {
    const response = await api.request('OPTIONS', '/api/tasks', { headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'PATCH' } });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(response.headers.get('x-request-id')).toEqual(expect.any(String));
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('health, docs and metrics', () => {
  it('reports liveness and readiness', async () => {
    expect((await api.get('/health')).status).toBe(200);
    const ready = await api.get('/health/ready');
    expect(ready.status).toBe(200);
  });

  it('serves Swagger UI and an OpenAPI 3 document listing every route', async () => {
    const ui = await api.get('/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toMatch(/swagger/i);
    const doc = await api.get('/api/docs-json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    const routes = Object.entries(doc.body.paths as Record<string, object>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /api/auth/register',
        'POST /api/auth/login',
        'POST /api/auth/refresh',
        'POST /api/auth/logout',
        'POST /api/auth/logout-all',
        'POST /api/auth/password',
        'GET /api/auth/me',
        'GET /api/users',
        'PATCH /api/users/{id}/role',
        'GET /api/events',
        'GET /api/notifications',
        'PATCH /api/notifications/{id}/read',
        'POST /api/notifications/read-all',
        'GET /api/presence',
      ]),
    );
    const register = doc.body.paths['/api/auth/register'].post;
    expect(JSON.stringify(register.requestBody)).toMatch(/RegisterRequest/);
    expect(Object.keys(register.responses)).toEqual(expect.arrayContaining(['201', '400', '409']));
  });

  it('exposes Prometheus metrics with request counts by route', async () => {
    await api.get('/api/auth/me');
    const response = await api.get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/plain/);
    expect(response.text).toMatch(/process_cpu_user_seconds_total/);
    expect(response.text).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/api\/auth\/me"/);
  });
});
