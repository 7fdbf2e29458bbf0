#!/usr/bin/env node
// Monolith baseline for the task-create benchmark: ONE process, no NATS, doing for
// `POST /tasks` the work the microservice path (gateway -> NATS -> tasks-service) does for
// `POST /api/tasks`:
//   1. verify the access token: HS256 pinned, iss=taskflow-auth, aud=taskflow-api, claims
//      sub/role/sid (libs/auth/src/access-token.ts);
//   2. validate the body like CreateTaskBody + the gateway's ValidationPipe (whitelist,
//      forbidNonWhitelisted): title trimmed 1-200, description <= 10000, status, priority,
//      dueDate strict ISO 8601 or null; unknown fields are 400;
//   3. the same single PostgreSQL statement tasks-service runs (tasks.repository.ts
//      insertWithEvent): the task row and the outbox row with its task.created event;
//   4. after the commit, bump the two list-cache generation counters (the owner's and the
//      global one) in one Redis pipeline, as TaskListCache.invalidate does;
//   5. answer 201 with the task JSON and ETag "<version>".
// What it deliberately does NOT do (the gateway does): per-IP Redis rate limiting, helmet
// headers, CORS, request metrics; and there is no outbox relay publishing the rows to JetStream.
//
// It only serves; bench/tasks.bench.mjs starts it as a child process and drives it with
// autocannon right after the gateway create scenario. Standalone:
//   PORT=3100 DATABASE_URL=postgres://postgres@127.0.0.1:5432/taskflow_bench \
//   REDIS_URL=redis://127.0.0.1:6379 JWT_PUBLIC_KEYS='[{…the public JWK…}]' node bench/monolith-baseline.mjs
// Env: PORT (default 3100), HOST (127.0.0.1), DATABASE_URL, REDIS_URL, JWT_PUBLIC_KEYS (the JWKs tokens are verified with),
//      PG_POOL_MAX (20, tasks-service's TypeORM pool size). SIGTERM/SIGINT: close and exit 0.
import { createPublicKey, randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import jwt from 'jsonwebtoken';
import pg from 'pg';

const PORT = Number(process.env.PORT ?? 3100);
const HOST = process.env.HOST ?? '127.0.0.1';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/taskflow_bench';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const POOL_MAX = Number(process.env.PG_POOL_MAX ?? 20);
// ES256 public keys by kid, as libs/auth holds them (KeyObjects: no key parsing per call).
const KEYS = (() => {
  try {
    const parsed = JSON.parse(process.env.JWT_PUBLIC_KEYS ?? '');
    return new Map((Array.isArray(parsed) ? parsed : parsed.keys).map((jwk) => [jwk.kid, createPublicKey({ key: jwk, format: 'jwk' })]));
  } catch {
    console.error('JWT_PUBLIC_KEYS must be set (a JWKS or a list of the public JWKs the tokens were signed with)');
    process.exit(2);
  }
})();

const TITLE_MAX = 200;
const DESCRIPTION_MAX = 10_000;
const STATUSES = new Set(['todo', 'in_progress', 'done']);
const PRIORITIES = new Set(['low', 'medium', 'high', 'urgent']);
const ROLES = new Set(['admin', 'member']);
const ALLOWED_FIELDS = new Set(['title', 'description', 'status', 'priority', 'dueDate']);
const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;
// Strict ISO 8601 date or date-time (what class-validator's IsISO8601({strict: true}) accepts, roughly).
const ISO8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const VERIFY_OPTIONS = { algorithms: ['ES256'], issuer: 'taskflow-auth', audience: 'taskflow-api' };

const pool = new pg.Pool({ connectionString: DATABASE_URL, max: POOL_MAX, connectionTimeoutMillis: 5000 });
pool.on('error', () => undefined); // an idle client's error; the next query reports its own
// As tasks-service configures its client: no offline queue, one retry, short command timeout.
const redis = new Redis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 250, connectionName: 'monolith-baseline' });
redis.on('error', () => undefined);

/** The same error shape as the gateway: {statusCode, code, message, requestId, details?}. */
function fail(reply, statusCode, code, message, details) {
  return reply.code(statusCode).send({ statusCode, code, message, requestId: reply.request.id, ...(details ? { details } : {}) });
}

function actorOf(header) {
  const token = header ? BEARER.exec(header.trim())?.[1] : undefined;
  if (!token) return null;
  try {
    const key = KEYS.get(jwt.decode(token, { complete: true })?.header.kid);
    if (!key) return null;
    const claims = jwt.verify(token, key, VERIFY_OPTIONS);
    if (typeof claims.sub !== 'string' || !ROLES.has(claims.role) || typeof claims.sid !== 'string') return null;
    return { id: claims.sub, role: claims.role, sessionId: claims.sid };
  } catch {
    return null;
  }
}

/** Array of problems (empty when valid); normalizes `body.title` (trimmed) in place. */
function validate(body) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return ['body must be a JSON object'];
  const problems = [];
  for (const key of Object.keys(body)) if (!ALLOWED_FIELDS.has(key)) problems.push(`property ${key} should not exist`);
  if (typeof body.title === 'string') body.title = body.title.trim();
  if (typeof body.title !== 'string' || body.title.length < 1 || body.title.length > TITLE_MAX) problems.push(`title must be a string of 1 to ${TITLE_MAX} characters`);
  if (body.description !== undefined && (typeof body.description !== 'string' || body.description.length > DESCRIPTION_MAX)) {
    problems.push(`description must be a string of at most ${DESCRIPTION_MAX} characters`);
  }
  if (body.status !== undefined && !STATUSES.has(body.status)) problems.push('status must be one of todo, in_progress, done');
  if (body.priority !== undefined && !PRIORITIES.has(body.priority)) problems.push('priority must be one of low, medium, high, urgent');
  if (body.dueDate !== undefined && body.dueDate !== null && (typeof body.dueDate !== 'string' || !ISO8601.test(body.dueDate) || Number.isNaN(Date.parse(body.dueDate)))) {
    problems.push('dueDate must be a valid ISO 8601 date string');
  }
  return problems;
}

const app = Fastify({
  logger: false, // the gateway's Fastify logger is off too (it logs through pino at LOG_LEVEL=warn: nothing per request)
  bodyLimit: 100 * 1024,
  genReqId: () => `bench-monolith-${randomUUID()}`,
});

app.get('/health', async () => ({ status: 'ok' }));

app.post('/tasks', async (request, reply) => {
  reply.header('x-request-id', request.id);
  const actor = actorOf(request.headers.authorization);
  if (!actor) {
    reply.header('WWW-Authenticate', 'Bearer');
    return fail(reply, 401, 'UNAUTHORIZED', 'Invalid or expired access token');
  }
  const body = request.body;
  const problems = validate(body);
  if (problems.length > 0) return fail(reply, 400, 'VALIDATION', 'Validation failed', problems);

  // The same insert tasks-service makes: task and event in one statement (atomic on its own).
  const now = new Date().toISOString();
  const task = {
    id: randomUUID(),
    title: body.title.trim(),
    description: body.description ?? '',
    status: body.status ?? 'todo',
    priority: body.priority ?? 'medium',
    dueDate: body.dueDate ? new Date(body.dueDate).toISOString() : null,
    ownerId: actor.id,
    assigneeIds: [],
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const eventId = randomUUID();
  const event = { eventId, type: 'task.created', taskId: task.id, actorId: actor.id, occurredAt: now, task, audience: [task.ownerId], requestId: request.id };
  await pool.query(
    `WITH created AS (
       INSERT INTO tasks (id, title, description, status, priority, due_date, owner_id, version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id
     )
     INSERT INTO outbox (event_id, subject, payload) SELECT $10, $11, $12 FROM created`,
    [task.id, task.title, task.description, task.status, task.priority, task.dueDate, task.ownerId, task.version, now, eventId, 'tasks.events.created', JSON.stringify(event)],
  );
  // After the commit, before answering: the owner's and every admin's cached lists are stale.
  try {
    await redis.pipeline().incr(`tasks:gen:user:${task.ownerId}`).incr('tasks:gen:all').exec();
  } catch {
    // as tasks-service: a cache that cannot be bumped never fails the write
  }
  reply.header('etag', `"${task.version}"`);
  return reply.code(201).send(task);
});

let closing = false;
async function shutdown() {
  if (closing) return;
  closing = true;
  await app.close().catch(() => undefined);
  await pool.end().catch(() => undefined);
  await redis.quit().catch(() => redis.disconnect());
  process.exit(0);
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);

redis.connect().catch(() => undefined);
await app.listen({ port: PORT, host: HOST });
console.log(`monolith-baseline listening on http://${HOST}:${app.server.address().port}`);
