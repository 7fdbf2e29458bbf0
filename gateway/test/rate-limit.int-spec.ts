import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { Api, freePort, registerUser, startService, startStack, type RunningService, type Stack } from '#testing';

let stack: Stack;
let api: Api;
const LIMIT = 15;

/** A fresh client address per test, so buckets left by earlier runs in Redis do not matter. */
const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
/** Sign-ups come from their own address, so they never spend a tested bucket. */
const signUp = () => registerUser(new Api(stack.baseUrl, { 'x-forwarded-for': freshIp() }));

beforeAll(async () => {
  stack = await startStack({ RATE_LIMIT_MAX: String(LIMIT), RATE_LIMIT_WINDOW_S: '60', TRUST_PROXY: '127.0.0.1' });
  api = new Api(stack.baseUrl);
});
afterAll(() => stack?.close());

describe('global per-IP limit', () => {
  it('answers 429 with Retry-After once the limit is spent, per client address', async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++) statuses.push((await api.get('/api/auth/me', { headers: { 'x-forwarded-for': ip } })).status);
    expect(statuses.slice(0, LIMIT).every((s) => s === 401)).toBe(true);
    const limited = await api.get('/api/auth/me', { headers: { 'x-forwarded-for': ip } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.any(String), requestId: expect.any(String) });
    // Another client is not affected.
    expect((await api.get('/api/auth/me', { headers: { 'x-forwarded-for': freshIp() } })).status).toBe(401);
  });

  it('does not limit health checks', async () => {
    const ip = freshIp();
    for (let i = 0; i < LIMIT + 3; i++) expect((await api.get('/health', { headers: { 'x-forwarded-for': ip } })).status).toBe(200);
  });
});

describe('global per-IP limit across two gateways sharing Redis', () => {
  // Each gateway counts locally and syncs with Redis in batches. The stated tolerance (README):
  // with R replicas a client may get (R − 1) × max(1, RATE_LIMIT_LOCAL_SHARE × limit) more than
  // the limit per window; here 1 × max(1, 0.1 × 15) = 1.
  const TOLERANCE = 1;
  let second: RunningService;
  let other: Api;

  beforeAll(async () => {
    const port = await freePort();
    second = await startService('gateway', { ...stack.env, PORT: String(port) });
    other = new Api(`http://127.0.0.1:${port}`);
  });
  afterAll(() => second?.stop());

  const me = (gateway: Api, ip: string) => gateway.get('/api/auth/me', { headers: { 'x-forwarded-for': ip } });

  it('holds the limit for a client alternating between the gateways, with 429 and Retry-After', async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 5; i++) statuses.push((await me(i % 2 === 0 ? api : other, ip)).status);
    const admitted = statuses.filter((status) => status === 401).length;
    expect(admitted).toBeGreaterThanOrEqual(LIMIT);
    expect(admitted).toBeLessThanOrEqual(LIMIT + TOLERANCE);
    expect(statuses.slice(0, LIMIT).every((status) => status === 401)).toBe(true);
    for (const gateway of [api, other]) {
      const limited = await me(gateway, ip);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('a gateway that never saw the client learns its count from Redis', async () => {
    const ip = freshIp();
    for (let i = 0; i < LIMIT; i++) expect((await me(api, ip)).status).toBe(401);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await me(other, ip)).status);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(TOLERANCE);
    expect(statuses.slice(-3)).toEqual([429, 429, 429]);
  });

  it('holds the limit for a burst sent to both gateways at once', async () => {
    const ip = freshIp();
    const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => me(i % 2 === 0 ? api : other, ip)));
    const admitted = burst.filter((response) => response.status === 401).length;
    expect(admitted).toBeGreaterThanOrEqual(LIMIT);
    expect(admitted).toBeLessThanOrEqual(LIMIT + TOLERANCE);
    expect(burst.filter((response) => response.status === 429)).toHaveLength(40 - admitted);
  });
});

describe('login failure limit', () => {
  it('blocks an email from one address after 5 failures, even with the right password, with Retry-After', async () => {
    const ip = freshIp();
    const user = await signUp();
    const attempt = (password: string, from = ip) => api.post('/api/auth/login', { email: user.email, password }, { headers: { 'x-forwarded-for': from } });
    for (let i = 0; i < 5; i++) expect((await attempt('wrong password!')).status).toBe(401);
    const blocked = await attempt(user.password);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(60);
    // The same email from another address, and another email from this one, still work.
    expect((await attempt(user.password, freshIp())).status).toBe(200);
    const other = await signUp();
    expect((await api.post('/api/auth/login', { email: other.email, password: other.password }, { headers: { 'x-forwarded-for': ip } })).status).toBe(200);
  });

  it('evaluates at most 5 of a burst of 20 wrong passwords sent at once; the rest get 429 with Retry-After', async () => {
    const ip = freshIp();
    const user = await signUp();
    const burst = await Promise.all(
      Array.from({ length: 20 }, () => api.post('/api/auth/login', { email: user.email, password: 'wrong password!' }, { headers: { 'x-forwarded-for': ip } })),
    );
    const statuses = burst.map((response) => response.status);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(20 - statuses.filter((status) => status === 401).length);
    for (const limited of burst.filter((response) => response.status === 429)) expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // What auth-service evaluated: each wrong password it checked left a user.login_failed in its outbox.
    const db = new pg.Client({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM auth_outbox WHERE payload->>'type' = 'user.login_failed' AND payload->'data'->>'email' = $1`, [user.email]);
      expect(rows[0].n).toBe(statuses.filter((status) => status === 401).length);
    } finally {
      await db.end();
    }
    // The right password is refused too until the window ends.
    expect((await api.post('/api/auth/login', { email: user.email, password: user.password }, { headers: { 'x-forwarded-for': ip } })).status).toBe(429);
  });

  it('does not spend the budget on attempts auth-service never judged (400s)', async () => {
    const ip = freshIp();
    const user = await signUp();
    const attempt = (password: string) => api.post('/api/auth/login', { email: user.email, password }, { headers: { 'x-forwarded-for': ip } });
    for (let i = 0; i < 7; i++) expect((await attempt('x'.repeat(73))).status).toBe(400);
    expect((await attempt(user.password)).status).toBe(200);
  });

  it('counts only failures', async () => {
    const ip = freshIp();
    const user = await signUp();
    for (let i = 0; i < 7; i++) {
      expect((await api.post('/api/auth/login', { email: user.email, password: user.password }, { headers: { 'x-forwarded-for': ip } })).status).toBe(200);
    }
  });
});

describe('client address behind proxies', () => {
  it('ignores X-Forwarded-For from a hop that is not a trusted proxy', async () => {
    const untrusted = await startStack({ RATE_LIMIT_MAX: '3', TRUST_PROXY: '' }, []);
    try {
      const gateway = new Api(untrusted.baseUrl);
      // Every request comes from 127.0.0.1 whatever it claims, so spoofed addresses share one bucket.
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await gateway.get('/api/auth/me', { headers: { 'x-forwarded-for': freshIp() } })).status);
      expect(statuses).toContain(429);
    } finally {
      await untrusted.close();
    }
  });
});
