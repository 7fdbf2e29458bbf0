// What the code says, for the deployment tests: each service's environment schema (the
// variables it reads, their defaults) and where its probes are served. The tests compare
// docker-compose.yml and k8s/ against these, never against copies of them.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEnv, type EnvPiece } from '#config';
import { authEnvSchema } from '../../auth-service/src/config/auth.env.js';
import { eventsEnvSchema } from '../../events-service/src/config/events.env.js';
import { gatewayEnvSchema } from '../../gateway/src/config/gateway.env.js';
import { realtimeEnvSchema } from '../../realtime-service/src/config/realtime.env.js';
import { tasksEnvSchema } from '../../tasks-service/src/config/tasks.env.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const read = (path: string) => readFileSync(resolve(ROOT, path), 'utf8');
export const exists = (path: string) => existsSync(resolve(ROOT, path));

export type ServiceName = 'gateway' | 'auth-service' | 'tasks-service' | 'events-service' | 'realtime-service';

export interface ServiceFacts {
  name: ServiceName;
  schema: readonly EnvPiece[];
  /** HTTP services listen on PORT; NATS-only services serve probes on HEALTH_PORT. */
  portVariable: 'PORT' | 'HEALTH_PORT';
  /** The port the team agreed on (SPEC / issue 6); the schema default must say the same. */
  port: number;
}

export const SERVICES: readonly ServiceFacts[] = [
  { name: 'gateway', schema: gatewayEnvSchema, portVariable: 'PORT', port: 3001 },
  { name: 'auth-service', schema: authEnvSchema, portVariable: 'HEALTH_PORT', port: 3011 },
  { name: 'tasks-service', schema: tasksEnvSchema, portVariable: 'HEALTH_PORT', port: 3012 },
  { name: 'events-service', schema: eventsEnvSchema, portVariable: 'HEALTH_PORT', port: 3013 },
  { name: 'realtime-service', schema: realtimeEnvSchema, portVariable: 'PORT', port: 3002 },
];

export function service(name: string): ServiceFacts {
  const found = SERVICES.find((s) => s.name === name);
  if (!found) throw new Error(`${name} is not a TaskFlow service`);
  return found;
}

/** Every variable the service's config reads (in production, where nothing has a default). */
export function envNames(facts: ServiceFacts): Set<string> {
  return new Set(facts.schema.flatMap((piece) => Object.keys(piece({ production: true }))));
}

/** The value the service uses when the variable is not set (outside production). */
export function envDefault(facts: ServiceFacts, variable: string): unknown {
  return (loadEnv(facts.schema, {}) as Record<string, unknown>)[variable];
}

/** Validates an environment exactly as the service does at start-up; throws the service's message. */
export function validateEnv(facts: ServiceFacts, env: Record<string, string>): Record<string, unknown> {
  return loadEnv(facts.schema, env) as Record<string, unknown>;
}

export function mainSource(name: ServiceName): string {
  return `${name}/src/main.ts`;
}

/** Where the service starts listening: its bootstrap function, shared by main.ts and the one-process mode (all/). */
export function bootstrapSource(name: ServiceName): string {
  return `${name}/src/bootstrap.ts`;
}

/** The compiled entry point every container runs (`npm run build` → dist/). */
export function entryPoint(name: ServiceName): string {
  return `dist/${name}/src/main.js`;
}

/**
 * Paths the service serves, read from its source: HTTP services through a Nest
 * `@Controller('health')` with `@Get()` and `@Get('ready')`; NATS-only services through the
 * shared probe server (libs/health) wired to `env.HEALTH_PORT` in their app module.
 */
export function servedProbePaths(facts: ServiceFacts): { paths: string[]; port: string } {
  if (facts.portVariable === 'PORT') {
    const controller = read(`${facts.name}/src/health/health.controller.ts`);
    const paths: string[] = [];
    if (/@Controller\('health'\)/.test(controller)) {
      if (/@Get\(\)/.test(controller)) paths.push('/health');
      if (/@Get\('ready'\)/.test(controller)) paths.push('/health/ready');
    }
    const bootstrap = read(bootstrapSource(facts.name));
    const port = /listen\(\{\s*port:\s*env\.(\w+)/.exec(bootstrap)?.[1] ?? '(not found)';
    return { paths, port };
  }
  const probe = read('libs/health/src/probe-server.ts');
  const paths = ['/health', '/health/ready', '/metrics'].filter((p) => probe.includes(`path === '${p}'`));
  const module = read(`${facts.name}/src/app.module.ts`);
  const wired = /HealthModule\.forRoot\(/.test(module);
  const port = wired ? (/port:\s*env\.(\w+)/.exec(module)?.[1] ?? '(not found)') : '(no HealthModule)';
  return { paths: wired ? paths : [], port };
}
