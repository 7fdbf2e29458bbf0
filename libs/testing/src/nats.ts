import { connect, nkeyAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { DEV_NATS_SEEDS, NATS_SERVICE_ROLES, natsInboxPrefix, serviceEnvPrefix, type NatsRole } from '#config';
import { testEnv, testNatsAuth } from './test-config.js';

/**
 * Who a test connects to NATS as: a service's or the integration's role (exactly the
 * permissions the shipped deploy/nats/nats-server.conf grants it), or `test-admin`, full
 * rights, for fixtures that play several parts (publish a task event, fake a responder, read
 * a stream). test-admin exists only in the harness's server: global-setup.mjs adds it with a
 * key pair made for that run; the shipped configuration never has it.
 */
export type TestNatsRole = NatsRole | 'test-admin';

/** The variables that give a spawned service (or a test's natsConnectionOptions) `role`'s credentials. */
export function natsCredentialsEnv(role: NatsRole): Record<string, string> {
  return testNatsAuth().mode === 'nkey' ? { NATS_NKEY_SEED: DEV_NATS_SEEDS[role] } : {};
}

/** The one-process mode's credentials: each service's own seed under its prefix (libs/config serviceEnvSource). */
export function oneProcessNatsCredentialsEnv(): Record<string, string> {
  return Object.assign({}, ...NATS_SERVICE_ROLES.map((role) => Object.fromEntries(Object.entries(natsCredentialsEnv(role)).map(([name, value]) => [`${serviceEnvPrefix(role)}${name}`, value]))));
}

/** A connection to the harness's NATS as `role`, with that role's inbox prefix. */
export async function connectAs(role: TestNatsRole, options: { servers?: string | string[]; name?: string } = {}): Promise<NatsConnection> {
  const auth = testNatsAuth();
  const seed = auth.mode === 'none' ? undefined : role === 'test-admin' ? auth.adminSeed : DEV_NATS_SEEDS[role];
  const servers = options.servers ?? testEnv().NATS_URL!;
  return connect({
    // A NATS_URL is a comma-separated list (a cluster's nodes), as the services read it.
    servers: typeof servers === 'string' ? servers.split(',') : servers,
    name: options.name ?? `test-${role}`,
    ...(seed ? { authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)) } : {}),
    inboxPrefix: natsInboxPrefix(role),
  });
}
