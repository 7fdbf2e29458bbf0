// deploy/nats: the shipped NATS configuration against the code. The development public keys
// are those of the seeds the services fall back to; every role the config lists has one; no
// full-rights user ships; each role's inbox is the prefix its clients use.
import { describe, expect, it } from '@jest/globals';
import { fromSeed } from '@nats-io/nkeys';
import { DEV_NATS_SEEDS, NATS_ROLES, natsInboxPrefix } from '#config';
import { read } from './facts.js';

const server = read('deploy/nats/nats-server.conf');
const auth = read('deploy/nats/auth.conf');
const devEnv = Object.fromEntries(
  read('deploy/nats/dev.env')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).trim()]),
);
const variableOf = (role: string) => `NATS_NKEY_${role.toUpperCase().replace(/-/g, '_')}`;
const permissionsOf = (role: string) => `${role.toUpperCase().replace(/-/g, '_')}_PERMISSIONS`;
/** The text of one `NAME = { … }` block (balanced braces). */
function block(name: string): string {
  const start = auth.indexOf(`${name} = {`);
  if (start < 0) throw new Error(`no ${name} in auth.conf`);
  let depth = 0;
  for (let i = auth.indexOf('{', start); i < auth.length; i += 1) {
    if (auth[i] === '{') depth += 1;
    if (auth[i] === '}' && --depth === 0) return auth.slice(start, i + 1);
  }
  throw new Error(`unbalanced ${name}`);
}

describe('deploy/nats', () => {
  it('nats-server.conf includes the roles and enables JetStream', () => {
    expect(server).toMatch(/^include \.\/auth\.conf$/m);
    expect(server).toMatch(/^jetstream \{\}$/m);
  });

  it.each(NATS_ROLES)('%s: one user with its own permissions and the public key from $%s', (role) => {
    expect(auth).toContain(`{ nkey: $${variableOf(role)}, permissions: $${permissionsOf(role)} }`);
  });

  it('lists no user besides the roles (no test or admin user ships)', () => {
    expect([...auth.matchAll(/\{ nkey: /g)]).toHaveLength(NATS_ROLES.length);
    expect(auth).not.toMatch(/test-admin|"\s*>\s*"/);
  });

  it('dev.env holds the public key of every development seed, and nothing else', () => {
    expect(Object.keys(devEnv).sort()).toEqual(NATS_ROLES.map(variableOf).sort());
    for (const role of NATS_ROLES) expect(devEnv[variableOf(role)]).toBe(fromSeed(new TextEncoder().encode(DEV_NATS_SEEDS[role])).getPublicKey());
  });

  it.each(NATS_ROLES)('%s may subscribe to its own inbox prefix, as its clients set it', (role) => {
    expect(block(permissionsOf(role))).toContain(`"${natsInboxPrefix(role)}.>"`);
  });

  it('only auth-service publishes auth events, only tasks-service task events, only events-service notifications.created', () => {
    /** The subjects a role's `publish.allow` lists (deny lists and comments left out). */
    const allowed = (role: string) => {
      const list = /publish: \{\s*allow: \[([^\]]*)\]/.exec(block(permissionsOf(role)))?.[1] ?? '';
      return [...list.replace(/#.*$/gm, '').matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
    };
    const publishes = (role: string, subject: string) => allowed(role).includes(subject);
    for (const role of NATS_ROLES) {
      expect({ role, auth: publishes(role, 'auth.events.>') }).toEqual({ role, auth: role === 'auth-service' });
      expect({ role, tasks: publishes(role, 'tasks.events.>') }).toEqual({ role, tasks: role === 'tasks-service' });
      expect({ role, notifications: publishes(role, 'notifications.created') }).toEqual({ role, notifications: role === 'events-service' });
    }
  });
});
