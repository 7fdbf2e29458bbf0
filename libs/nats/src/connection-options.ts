import { readFileSync } from 'node:fs';
import { credsAuthenticator, nkeyAuthenticator, usernamePasswordAuthenticator, type Authenticator, type NodeConnectionOptions } from '@nats-io/transport-node';
import { DEV_NATS_SEEDS, natsInboxPrefix, type NatsRole } from '#config';

/** The validated NATS variables (libs/config natsEnv) a connection is built from. */
export interface NatsConnectionEnv {
  NODE_ENV?: string;
  NATS_URL: string[];
  NATS_NKEY_SEED?: string;
  NATS_CREDS_FILE?: string;
  NATS_USER?: string;
  NATS_PASSWORD?: string;
  NATS_TLS_CA_FILE?: string;
  NATS_TLS_CERT_FILE?: string;
  NATS_TLS_KEY_FILE?: string;
}

/**
 * The credentials a connection presents, in order of preference: an nkey seed, a creds file
 * (decentralized JWT auth), user + password; outside production, else, the role's development
 * seed. Production config validation already refused "none" and development seeds.
 */
export function natsAuthenticator(env: NatsConnectionEnv, role: NatsRole): Authenticator {
  if (env.NATS_NKEY_SEED) return nkeyAuthenticator(new TextEncoder().encode(env.NATS_NKEY_SEED));
  if (env.NATS_CREDS_FILE) return credsAuthenticator(readFileSync(env.NATS_CREDS_FILE));
  if (env.NATS_USER) return usernamePasswordAuthenticator(env.NATS_USER, env.NATS_PASSWORD);
  if (env.NODE_ENV === 'production') throw new Error('NATS_NKEY_SEED is required in production');
  return nkeyAuthenticator(new TextEncoder().encode(DEV_NATS_SEEDS[role]));
}

/**
 * Options for EVERY NATS connection a service opens (request client, Nest server, outbox
 * relay, JetStream consumers): servers, the role's credentials, TLS if configured, and the
 * role's own inbox prefix, the only reply subjects the server lets this role subscribe to.
 * `name` labels the connection in the server's monitoring (e.g. `tasks-service-outbox`).
 */
export function natsConnectionOptions(env: NatsConnectionEnv, role: NatsRole, name: string = role): NodeConnectionOptions {
  const tls =
    env.NATS_TLS_CA_FILE || env.NATS_TLS_CERT_FILE
      ? {
          ...(env.NATS_TLS_CA_FILE ? { caFile: env.NATS_TLS_CA_FILE } : {}),
          ...(env.NATS_TLS_CERT_FILE ? { certFile: env.NATS_TLS_CERT_FILE, keyFile: env.NATS_TLS_KEY_FILE } : {}),
        }
      : undefined;
  return {
    servers: env.NATS_URL,
    name,
    authenticator: natsAuthenticator(env, role),
    inboxPrefix: natsInboxPrefix(role),
    ...(tls ? { tls } : {}),
    // Outages are ridden out by reconnecting for as long as the service runs. NATS_URL lists
    // every node (and the servers' INFO adds the cluster's others): a client whose node died
    // dials another at once; only a node tried in the last second waits, plus up to a second
    // of jitter, so the clients of a node that restarts do not all come back in one burst.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    reconnectJitter: 1000,
    reconnectJitterTLS: 1000,
    // A node that vanishes without closing its sockets (host lost, network partition) is
    // noticed after two unanswered pings, ~20 s, instead of the client's default ~4 minutes.
    pingInterval: 10_000,
    maxPingOut: 2,
    // Otherwise every request (and flush) builds an Error just to keep its caller's stack for
    // a later timeout: ~3% of the request path's CPU. Our errors name the subject instead.
    noAsyncTraces: true,
  };
}
