// render.yaml, deploy/render/render.split.yaml and deploy/railway/ checked against the code, as
// compose.spec.ts and k8s.spec.ts check theirs: start commands run entry points that exist,
// health paths are served, every reference names a resource of the Blueprint, and each service's
// environment (with stand-ins for what Render generates or the user pastes) passes that
// service's own production validation — in one-process mode through the per-service prefixes.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { createUser } from '@nats-io/nkeys';
import YAML from 'yaml';
import { generateSigningKey } from '#auth';
import { NATS_SERVICE_ROLES, publicHalf, serviceEnvPrefix, serviceEnvSource, type NatsServiceRole } from '#config';
import { oneProcessDefaults } from '../../all/src/one-process-env.js';
import { envNames, exists, read, service, servedProbePaths, validateEnv, type ServiceName } from './facts.js';

interface RenderEnvVar {
  key: string;
  value?: string;
  sync?: boolean;
  generateValue?: boolean;
  fromDatabase?: { name: string; property: string };
  fromService?: { type: string; name: string; property?: string; envVarKey?: string };
}
interface RenderService {
  type: 'web' | 'pserv' | 'worker' | 'keyvalue';
  name: string;
  runtime?: 'node' | 'docker';
  plan?: string;
  buildCommand?: string;
  startCommand?: string;
  healthCheckPath?: string;
  dockerfilePath?: string;
  dockerContext?: string;
  disk?: { name: string; mountPath: string; sizeGB: number };
  envVars?: RenderEnvVar[];
}
interface Blueprint {
  services: RenderService[];
  databases?: { name: string; databaseName?: string }[];
}

const BLUEPRINTS = { starter: 'render.yaml', split: 'deploy/render/render.split.yaml' } as const;
const blueprint = (path: string) => YAML.parse(read(path)) as Blueprint;
/** Set by the platform or for Node itself, read by no TaskFlow schema. */
const PLATFORM_VARIABLES = new Set(['NODE_VERSION', 'NODE_OPTIONS']);

/** `node dist/<app>/src/main.js` → the app; anything else is not a TaskFlow start command. */
function appOf(startCommand: string | undefined): ServiceName | 'all' | undefined {
  const match = /^node dist\/([\w-]+)\/src\/main\.js$/.exec(startCommand ?? '');
  return match?.[1] as ServiceName | 'all' | undefined;
}

/** Values that pass validation, standing in for what the user pastes (`sync: false`). */
const SIGNING_KEY = generateSigningKey('paas-test');
const seed = () => new TextDecoder().decode(createUser().getSeed());
function userValue(key: string): string {
  if (key === 'JWT_SIGNING_KEY') return JSON.stringify(SIGNING_KEY);
  if (key === 'JWT_PUBLIC_KEYS') return JSON.stringify({ keys: [publicHalf(SIGNING_KEY)] });
  if (key === 'MONGODB_URI') return 'mongodb+srv://user:pass@cluster0.example.mongodb.net/taskflow';
  if (key === 'CORS_ORIGIN') return 'https://app.example.com';
  if (key.endsWith('NATS_NKEY_SEED')) return seed();
  throw new Error(`no stand-in for ${key}: add one, and say in deploy/README.md how the user gets it`);
}

/** The environment Render gives a service: references resolved as Render resolves them, in their formats. */
function renderEnv(file: Blueprint, svc: RenderService): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of svc.envVars ?? []) {
    if (v.value !== undefined) env[v.key] = v.value;
    else if (v.generateValue)
      env[v.key] = randomBytes(32).toString('base64'); // what Render generates: 256 random bits, base64
    else if (v.sync === false) env[v.key] = userValue(v.key);
    else if (v.fromDatabase) env[v.key] = `postgresql://taskflow:pw@${v.fromDatabase.name}-a:5432/taskflow`;
    else if (v.fromService?.property === 'connectionString') env[v.key] = `redis://${v.fromService.name}:6379`;
    else if (v.fromService?.property === 'hostport') env[v.key] = `${v.fromService.name}-x1y2:${v.fromService.name.endsWith('nats') ? 4222 : 3002}`;
    else throw new Error(`${svc.name}: ${v.key} has no value this test understands`);
  }
  // Blueprint references must name resources of the same file.
  for (const v of svc.envVars ?? []) {
    if (v.fromDatabase) expect(file.databases?.map((d) => d.name)).toContain(v.fromDatabase.name);
    if (v.fromService) expect(file.services.filter((s) => s.type === v.fromService!.type).map((s) => s.name)).toContain(v.fromService.name);
  }
  return env;
}

/** Validates `env` as the app validates it at start-up; one-process mode: each role through its prefix. */
function expectValid(app: ServiceName | 'all', env: Record<string, string>): void {
  if (app !== 'all') {
    expect(() => validateEnv(service(app), env)).not.toThrow();
    return;
  }
  for (const role of NATS_SERVICE_ROLES) {
    const source = serviceEnvSource(role, env, oneProcessDefaults(role)) as Record<string, string>;
    expect(() => validateEnv(service(role), source)).not.toThrow();
  }
}

/** Every variable set is read by the app (a typo would be silently ignored otherwise). */
function expectAllRead(app: ServiceName | 'all', keys: string[]): void {
  const roles: NatsServiceRole[] = app === 'all' ? [...NATS_SERVICE_ROLES] : [app];
  const read = new Set(
    roles.flatMap((role) => [...envNames(service(role))].flatMap((name) => [name, ...(app === 'all' ? [`${serviceEnvPrefix(role)}${name}`] : [])])),
  );
  expect(keys.filter((key) => !read.has(key) && !PLATFORM_VARIABLES.has(key))).toEqual([]);
}

/** The $NATS_NKEY_* variables the shipped auth.conf reads: the NATS service must set each. */
const NATS_PUBLIC_KEY_VARIABLES = [
  ...new Set(
    read('deploy/nats/auth.conf')
      .match(/\$NATS_NKEY_[A-Z_]+/g)!
      .map((v) => v.slice(1)),
  ),
];

describe.each(Object.entries(BLUEPRINTS))('Render Blueprint, %s option (%s)', (option, path) => {
  const file = blueprint(path);
  const apps = file.services.filter((s) => appOf(s.startCommand));

  it('is a list of services and databases with unique names and known types', () => {
    const names = [...file.services.map((s) => s.name), ...(file.databases ?? []).map((d) => d.name)];
    expect(new Set(names).size).toBe(names.length);
    for (const svc of file.services) expect(['web', 'pserv', 'worker', 'keyvalue']).toContain(svc.type);
  });

  it(
    option === 'starter' ? 'runs the one-process mode as its only web service' : 'runs each of the five services on its own, the gateway the only web service',
    () => {
      const started = apps.map((s) => appOf(s.startCommand));
      expect(started.sort()).toEqual(option === 'starter' ? ['all'] : ['auth-service', 'events-service', 'gateway', 'realtime-service', 'tasks-service']);
      expect(file.services.filter((s) => s.type === 'web').map((s) => appOf(s.startCommand))).toEqual([option === 'starter' ? 'all' : 'gateway']);
    },
  );

  it('builds with npm scripts that exist and starts entry points the build makes', () => {
    const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
    for (const svc of apps) {
      for (const script of svc.buildCommand!.match(/npm run (\S+)/g)!.map((s) => s.slice('npm run '.length))) expect(scripts).toContain(script);
      const app = appOf(svc.startCommand)!;
      expect(exists(`${app}/src/main.ts`)).toBe(true);
      expect(read('tsconfig.build.json')).toContain(`"${app}/src"`);
    }
  });

  it('checks the health of the web service on a path the gateway serves, on the PORT it sets', () => {
    const gateway = servedProbePaths(service('gateway'));
    for (const svc of file.services.filter((s) => s.type === 'web')) {
      expect(gateway.paths).toContain(svc.healthCheckPath);
      expect(svc.envVars?.find((v) => v.key === gateway.port)?.value).toMatch(/^\d+$/);
    }
  });

  it('gives each service an environment that passes its own production validation, and nothing it does not read', () => {
    for (const svc of apps) {
      const env = renderEnv(file, svc);
      expect(env.NODE_ENV).toBe('production');
      expectValid(appOf(svc.startCommand)!, env);
      expectAllRead(appOf(svc.startCommand)!, Object.keys(env));
    }
  });

  it('gives every NATS role its own seed, and the NATS service every public key auth.conf reads', () => {
    const seeds = apps.flatMap((svc) => (svc.envVars ?? []).filter((v) => v.key.endsWith('NATS_NKEY_SEED')).map((v) => `${svc.name}:${v.key}`));
    expect(seeds).toHaveLength(NATS_SERVICE_ROLES.length);
    const nats = file.services.find((s) => s.name === 'taskflow-nats')!;
    expect((nats.envVars ?? []).map((v) => v.key).sort()).toEqual([...NATS_PUBLIC_KEY_VARIABLES].sort());
    for (const v of nats.envVars ?? []) expect(v.sync).toBe(false);
  });

  it('runs NATS from the official image with the shipped configuration and a disk for JetStream', () => {
    const nats = file.services.find((s) => s.name === 'taskflow-nats')!;
    expect(nats).toMatchObject({ type: 'pserv', runtime: 'docker', dockerContext: '.' });
    const dockerfile = read(nats.dockerfilePath!);
    expect(dockerfile).toMatch(/^FROM nats:2\.10-alpine$/m);
    for (const source of /^COPY (.+) \/etc\/nats\/taskflow\/$/m.exec(dockerfile)![1].split(' ')) expect(exists(source)).toBe(true);
    const store = /"-sd", "([^"]+)"/.exec(dockerfile)![1];
    expect(store.startsWith(`${nats.disk!.mountPath}/`)).toBe(true);
  });

  it('keeps PostgreSQL, Key Value and NATS private, and MongoDB a secret the user pastes', () => {
    for (const kv of file.services.filter((s) => s.type === 'keyvalue')) expect((kv as { ipAllowList?: unknown[] }).ipAllowList).toEqual([]);
    for (const db of file.databases ?? []) expect((db as { ipAllowList?: unknown[] }).ipAllowList).toEqual([]);
    expect(file.services.find((s) => s.name === 'taskflow-nats')?.type).toBe('pserv');
    for (const svc of apps) for (const v of svc.envVars ?? []) if (v.key === 'MONGODB_URI') expect(v).toEqual({ key: 'MONGODB_URI', sync: false });
  });
});

describe('Railway config-as-code (deploy/railway/)', () => {
  interface RailwayConfig {
    build: { builder: string; buildCommand?: string; dockerfilePath?: string };
    deploy: { startCommand?: string; healthcheckPath?: string };
  }
  const config = (name: string) => JSON.parse(read(`deploy/railway/${name}.railway.json`)) as RailwayConfig;

  it.each(['taskflow', 'gateway', 'auth-service', 'tasks-service', 'events-service', 'realtime-service'])(
    '%s starts an entry point that exists, after the build, with a served health path',
    (name) => {
      const railway = config(name);
      const app = appOf(railway.deploy.startCommand)!;
      expect(app).toBe(name === 'taskflow' ? 'all' : name);
      expect(exists(`${app}/src/main.ts`)).toBe(true);
      expect(railway.build.buildCommand).toBe('npm run build');
      if (railway.deploy.healthcheckPath) {
        const served = servedProbePaths(service(app === 'all' ? 'gateway' : (app as ServiceName)));
        expect(served.paths).toContain(railway.deploy.healthcheckPath);
      } else {
        // NATS-only services: Railway checks an HTTP port it routes to; theirs is HEALTH_PORT, unrouted.
        expect(service(app as ServiceName).portVariable).toBe('HEALTH_PORT');
      }
    },
  );

  it('builds NATS from the same Dockerfile as Render', () => {
    expect(config('nats').build).toEqual({ builder: 'DOCKERFILE', dockerfilePath: 'deploy/nats/Dockerfile' });
  });

  it("the one-process service's variables (taskflow.env) pass every service's production validation", () => {
    const env = Object.fromEntries(
      read('deploy/railway/taskflow.env')
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    // Railway's references, resolved in the formats Railway gives.
    const resolved = Object.fromEntries(
      Object.entries(env).map(([key, value]) => [
        key,
        value === ''
          ? ['JWT_REFRESH_SECRET', 'CURSOR_SECRET'].includes(key)
            ? randomBytes(48).toString('base64')
            : userValue(key)
          : value
              .replace('${{nats.RAILWAY_PRIVATE_DOMAIN}}', 'nats.railway.internal')
              .replace('${{Postgres.DATABASE_URL}}', 'postgresql://postgres:pw@postgres.railway.internal:5432/railway')
              .replace('${{Redis.REDIS_URL}}', 'redis://default:pw@redis.railway.internal:6379'),
      ]),
    );
    expect(Object.values(resolved).join('\n')).not.toContain('${{');
    expect(resolved.NODE_ENV).toBe('production');
    expectValid('all', resolved);
    expectAllRead('all', Object.keys(resolved));
  });
});
