import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Api, createTask, freePort, registerUser, startStack, type Stack, type TestUser } from '#testing';

/**
 * Drives every operation of the gateway's own OpenAPI document with malformed input, as a
 * client with a valid access token: wrong types, NUL and other control characters, very
 * long strings, prototype keys, arrays where scalars belong, objects where strings belong.
 * Nothing may answer 5xx, and every 4xx must be in the SPEC error shape. Deterministic
 * (seeded order, fixed cap) and bounded to well under a minute.
 */
const SEED = 0x7a5c_2026;
const MAX_CASES = 2400;
const CONCURRENCY = 8;

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: SchemaObject;
}
interface SchemaObject {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  minLength?: number;
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
}
interface Operation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, SchemaObject> };
}

interface FuzzCase {
  label: string;
  method: string;
  path: string;
  query?: string;
  body?: string;
  headers?: Record<string, string>;
  token: string;
}

/** mulberry32: a tiny seeded PRNG, so every run sends the same requests in the same order. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Hostile values for a JSON field (any type). `__proto__` as an own key needs JSON.parse. */
const HOSTILE_VALUES: [string, unknown][] = [
  ['a number', 12345],
  ['a negative number', -1],
  ['a fraction', 1.5],
  ['a huge number', 1e300],
  ['true', true],
  ['null', null],
  ['an empty array', []],
  ['an array of strings', ['a', 'b']],
  ['an empty object', {}],
  ['an operator object', { $gt: '' }],
  ['a __proto__ object', JSON.parse('{"__proto__":{"polluted":true},"role":"admin"}')],
  ['a constructor object', { constructor: { prototype: { polluted: true } } }],
];

/** Hostile strings: for JSON fields, query values, path segments and headers alike. */
const HOSTILE_STRINGS: [string, string][] = [
  ['an empty string', ''],
  ['a NUL', 'a\u0000b'],
  ['control characters', '\u0001\u0002\u001b[31m\u007f\u0085\t\r\n'],
  ['a lone surrogate', '\ud800x'],
  ['bidi and zero-width characters', '\u202e\u200b\ufeff'],
  ['a long string', 'x'.repeat(20_000)],
  ['a 400-digit number', '9'.repeat(400)],
  ['SQL', "' OR 1=1; DROP TABLE tasks; --"],
  ['LIKE wildcards and a backslash', '%_\\'],
  ['a path traversal', '../../etc/passwd'],
  ['year 0', '0000-01-01T00:00:00Z'],
  ['the largest date', '+275760-09-13T00:00:00.000Z'],
  ['an impossible date', '2024-13-45T99:99:99Z'],
  ['infinity', 'infinity'],
  ['NaN', 'NaN'],
  ['the nil uuid', '00000000-0000-0000-0000-000000000000'],
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
  ['me', 'me'],
  ['a base64url cursor of garbage', Buffer.from('{"s":"createdAt","o":"desc","v":"x","id":"y"}').toString('base64url')],
];

let stack: Stack;
let api: Api;
let user: TestUser;
/** logout-all and password changes act on their own user, so the main token's sessions stay. */
let sideUser: TestUser;
let document: OpenApiDocument;
let ownTaskId: string;
let doomedTaskId: string;

beforeAll(async () => {
  stack = await startStack({}, ['auth-service', 'tasks-service', 'events-service']);
  // /api/presence needs realtime-service; without it that route is a (correct) 503.
  await stack.start('realtime-service', { PORT: String(await freePort()) });
  api = new Api(stack.baseUrl);
  [user, sideUser] = await Promise.all([registerUser(api), registerUser(api)]);
  ownTaskId = (await createTask(api, user.accessToken, { title: 'fuzz target' })).id;
  doomedTaskId = (await createTask(api, user.accessToken, { title: 'fuzz target to delete' })).id;
  const docs = await api.get<OpenApiDocument>('/api/docs-json');
  expect(docs.status).toBe(200);
  document = docs.body;
}, 60_000);
afterAll(() => stack?.close());

function resolve(schema: SchemaObject | undefined): SchemaObject | undefined {
  if (!schema?.$ref) return schema;
  return document.components.schemas[schema.$ref.split('/').at(-1)!];
}

/** A value the field would accept, so that each case changes exactly one thing. */
function validValue(name: string, schema: SchemaObject): unknown {
  if (schema.enum) return schema.enum[0];
  if (schema.type === 'number' || schema.type === 'integer') return 1;
  if (schema.type === 'boolean') return true;
  if (schema.type === 'array') return [validValue(name, schema.items ?? { type: 'string' })];
  if (schema.format === 'uuid') return user.user.id;
  if (schema.format === 'email') return `fuzz-${name}@example.test`;
  if (schema.format === 'date-time') return '2030-01-01T00:00:00.000Z';
  // Never the real password: the fuzzer must not change anyone's password.
  return `fuzz ${name} value`;
}

function pathFor(template: string, method: string, override?: [string, string]): string {
  return template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    if (override && override[0] === name) return encode(override[1]);
    if (name === 'userId') return user.user.id;
    if (template.startsWith('/api/tasks/')) return method === 'delete' && template === '/api/tasks/{id}' ? doomedTaskId : ownTaskId;
    if (template.startsWith('/api/users/')) return user.user.id;
    return randomUUID();
  });
}

/** encodeURIComponent, except that a lone surrogate becomes its (invalid) 3-byte UTF-8 form instead of throwing. */
function encode(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (char.length === 1 && code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
    } else {
      out += encodeURIComponent(char);
    }
  }
  return out;
}

/** A query string: arrays repeat the key, objects use the bracket form (`q[$gt]=`). */
function queryString(name: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => `${encode(name)}=${encode(String(v))}`).join('&');
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).map(([key, v]) => `${encode(`${name}[${key}]`)}=${encode(JSON.stringify(v))}`).join('&');
  }
  return `${encode(name)}=${encode(String(value))}`;
}

function casesOf(template: string, method: string, operation: Operation): FuzzCase[] {
  const token = /logout-all|password/.test(template) ? sideUser.accessToken : user.accessToken;
  const base = { method: method.toUpperCase(), token };
  const where = `${method.toUpperCase()} ${template}`;
  const cases: FuzzCase[] = [];
  const parameters = operation.parameters ?? [];
  const bodySchema = resolve(operation.requestBody?.content?.['application/json']?.schema);
  const validBody = bodySchema?.properties
    ? Object.fromEntries(Object.entries(bodySchema.properties).map(([name, schema]) => [name, validValue(name, resolve(schema) ?? {})]))
    : undefined;
  const body = validBody ? JSON.stringify(validBody) : undefined;
  // fetch sends no body with GET: those operations are fuzzed through their parameters.
  const takesBody = method !== 'get';

  for (const parameter of parameters) {
    const values: [string, unknown][] = [...HOSTILE_STRINGS, ...(parameter.in === 'query' ? HOSTILE_VALUES.filter(([, v]) => typeof v === 'object' && v !== null) : [])];
    for (const [label, value] of values) {
      const name = `${where} ${parameter.in} ${parameter.name} = ${label}`;
      if (parameter.in === 'path') cases.push({ ...base, label: name, path: pathFor(template, method, [parameter.name, String(value).slice(0, 5000)]), body });
      if (parameter.in === 'query') cases.push({ ...base, label: name, path: pathFor(template, method), query: queryString(parameter.name, typeof value === 'string' ? value.slice(0, 5000) : value), body });
      // fetch refuses header values outside visible ASCII before sending anything.
      if (parameter.in === 'header' && /^[\x20-\x7e]*$/.test(String(value))) cases.push({ ...base, label: name, path: pathFor(template, method), headers: { [parameter.name]: String(value).slice(0, 5000) }, body });
    }
  }
  if (validBody && bodySchema?.properties) {
    for (const field of Object.keys(bodySchema.properties)) {
      for (const [label, value] of [...HOSTILE_VALUES, ...HOSTILE_STRINGS]) {
        // JSON.stringify keeps an own __proto__ key; spreading would not.
        const mutated = JSON.stringify(validBody).slice(0, -1) + `,${JSON.stringify(field)}:${JSON.stringify(value)}}`;
        cases.push({ ...base, label: `${where} body.${field} = ${label}`, path: pathFor(template, method), body: mutated });
      }
    }
  }
  const wholeBodies: [string, string][] = [
    ['an array body', '[]'],
    ['a string body', '"text"'],
    ['a null body', 'null'],
    ['a number body', '42'],
    ['a __proto__ key', '{"__proto__":{"isAdmin":true,"role":"admin"}}'],
    ['a constructor key', '{"constructor":{"prototype":{"isAdmin":true}}}'],
    ['an unknown field', JSON.stringify({ ...(validBody ?? {}), unexpected: true })],
    ['deep nesting', `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`],
    ['truncated JSON', '{"title": "a'],
    ['an oversized body', JSON.stringify({ title: 'x'.repeat(120 * 1024) })],
  ];
  if (takesBody) for (const [label, raw] of wholeBodies) cases.push({ ...base, label: `${where} ${label}`, path: pathFor(template, method), body: raw });
  cases.push({ ...base, label: `${where} a __proto__ query key`, path: pathFor(template, method), query: '__proto__[polluted]=1&constructor[prototype][x]=1', body });
  return cases;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Why a response breaks the contract, or null. */
function violation(status: number, body: unknown, requestIdHeader: string | null): string | null {
  if (status >= 500) return `answered ${status}`;
  if (status < 400) return null;
  if (typeof body !== 'object' || body === null) return `a ${status} that is not JSON`;
  const { statusCode, error, message, requestId, ...rest } = body as Record<string, unknown>;
  const extra = Object.keys(rest).filter((key) => !(status === 409 && key === 'current'));
  if (statusCode !== status) return `statusCode ${String(statusCode)} in a ${status}`;
  if (typeof error !== 'string' || !error) return `no error in a ${status}`;
  if (!(typeof message === 'string' || (Array.isArray(message) && message.every((m) => typeof m === 'string')))) return `bad message in a ${status}`;
  if (typeof requestId !== 'string' || requestId !== requestIdHeader) return `requestId does not match X-Request-Id in a ${status}`;
  if (extra.length > 0) return `extra keys ${extra.join(', ')} in a ${status}`;
  return null;
}

describe('OpenAPI-driven fuzzing', () => {
  it('answers every malformed request of every operation without a 5xx, and every 4xx in the error shape', async () => {
    const operations = Object.entries(document.paths).flatMap(([template, methods]) => Object.entries(methods).map(([method, operation]) => ({ template, method, operation })));
    expect(operations.length).toBeGreaterThanOrEqual(20);
    const all = operations.flatMap(({ template, method, operation }) => casesOf(template, method, operation));
    const cases = shuffle(all, prng(SEED)).slice(0, MAX_CASES);
    // Every operation is still covered after the cap.
    expect(new Set(cases.map((c) => c.label.split(' ').slice(0, 2).join(' '))).size).toBe(operations.length);

    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const fuzz = cases[next++]!;
        const url = `${fuzz.path}${fuzz.query ? `?${fuzz.query}` : ''}`;
        const response = await api.request(fuzz.method, url, { rawBody: fuzz.body, token: fuzz.token, headers: fuzz.headers });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const problem = violation(response.status, response.body, response.headers.get('x-request-id'));
        if (problem) failures.push(`${fuzz.label}: ${problem}: ${response.text.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures).toEqual([]);
    // The fuzzer reached the services, not only the gateway's validation.
    expect([...statuses.keys()].some((status) => status < 300 || status === 404 || status === 409)).toBe(true);
  }, 90_000);
});
