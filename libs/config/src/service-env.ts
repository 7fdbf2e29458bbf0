import type { NatsServiceRole } from './nats-credentials.js';
import { loadEnvOrExit, type EnvOf, type EnvPiece } from './env.js';

/**
 * One-process mode (all/) reads every service's config from one environment. The rule:
 * `<PREFIX>NAME` (e.g. `TASKS_SERVICE_NATS_NKEY_SEED`) sets NAME for that service only and wins
 * over a plain `NAME`, which every service shares. The prefix is the service's NATS role in
 * upper case with `_`: GATEWAY_, AUTH_SERVICE_, TASKS_SERVICE_, EVENTS_SERVICE_, REALTIME_SERVICE_.
 * Split services read plain names only, so the same variables mean the same thing in both modes.
 */
export function serviceEnvPrefix(role: NatsServiceRole): string {
  return `${role.toUpperCase().replaceAll('-', '_')}_`;
}

/**
 * `role`'s view of `source`: plain names, then `defaults` (what the composition root decides
 * for that service, e.g. realtime-service's internal port), then the prefixed overrides.
 */
export function serviceEnvSource(role: NatsServiceRole, source: NodeJS.ProcessEnv, defaults: Record<string, string> = {}): NodeJS.ProcessEnv {
  const prefix = serviceEnvPrefix(role);
  const overrides = Object.entries(source)
    .filter(([name, value]) => name.startsWith(prefix) && name.length > prefix.length && value !== undefined)
    .map(([name, value]) => [name.slice(prefix.length), value]);
  return { ...source, ...defaults, ...Object.fromEntries(overrides) };
}

/** loadEnvOrExit for one service of the one-process mode (see serviceEnvSource). */
export function loadServiceEnvOrExit<const Pieces extends readonly EnvPiece[]>(
  role: NatsServiceRole,
  pieces: Pieces,
  defaults: Record<string, string> = {},
  source: NodeJS.ProcessEnv = process.env,
): EnvOf<Pieces> {
  return loadEnvOrExit(pieces, serviceEnvSource(role, source, defaults));
}
