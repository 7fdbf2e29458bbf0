import { describe, expect, it } from '@jest/globals';
import { fromPublic, fromSeed } from '@nats-io/nkeys';
import { DEV_NATS_SEEDS } from '#config';
import { natsConnectionOptions } from './connection-options.js';

const NONCE = 'nonce-from-the-server';
const encode = (s: string) => new TextEncoder().encode(s);

/** What the connection would present to the server, and whether its signature is that key's. */
function presented(options: ReturnType<typeof natsConnectionOptions>) {
  const auth = (options.authenticator as (nonce?: string) => { nkey?: string; sig?: string; user?: string; pass?: string })(NONCE);
  const verified = auth.nkey && auth.sig ? fromPublic(auth.nkey).verify(encode(NONCE), Buffer.from(auth.sig, 'base64url')) : undefined;
  return { ...auth, verified };
}

describe('natsConnectionOptions', () => {
  it('gives each role its own inbox prefix, name and servers', () => {
    const options = natsConnectionOptions({ NATS_URL: ['nats://a:4222', 'nats://b:4222'] }, 'tasks-service', 'tasks-service-outbox');
    expect(options).toMatchObject({ servers: ['nats://a:4222', 'nats://b:4222'], name: 'tasks-service-outbox', inboxPrefix: '_INBOX_tasks-service', maxReconnectAttempts: -1, noAsyncTraces: true });
    expect(natsConnectionOptions({ NATS_URL: ['nats://a'] }, 'gateway').inboxPrefix).toBe('_INBOX_gateway');
  });

  it('reconnects to another node at once, with jitter, and notices a silently dead node within ~20 s', () => {
    const options = natsConnectionOptions({ NATS_URL: ['nats://a:4222', 'nats://b:4222', 'nats://c:4222'] }, 'gateway');
    expect(options).toMatchObject({ maxReconnectAttempts: -1, reconnectTimeWait: 1000, reconnectJitter: 1000 });
    expect(options.noRandomize).toBeUndefined();
    expect(options.pingInterval! * options.maxPingOut!).toBeLessThanOrEqual(20_000);
  });

  it('signs with NATS_NKEY_SEED when given', () => {
    const seed = DEV_NATS_SEEDS.integration;
    const auth = presented(natsConnectionOptions({ NATS_URL: ['nats://a'], NATS_NKEY_SEED: seed }, 'gateway'));
    expect(auth.nkey).toBe(fromSeed(encode(seed)).getPublicKey());
    expect(auth.verified).toBe(true);
  });

  it('outside production, falls back to the role\'s development seed', () => {
    const auth = presented(natsConnectionOptions({ NODE_ENV: 'development', NATS_URL: ['nats://a'] }, 'realtime-service'));
    expect(auth.nkey).toBe(fromSeed(encode(DEV_NATS_SEEDS['realtime-service'])).getPublicKey());
  });

  it('in production, never falls back to a development seed', () => {
    expect(() => natsConnectionOptions({ NODE_ENV: 'production', NATS_URL: ['nats://a'] }, 'gateway')).toThrow(/NATS_NKEY_SEED/);
  });

  it('uses user and password when that is what is configured', () => {
    expect(presented(natsConnectionOptions({ NATS_URL: ['nats://a'], NATS_USER: 'u', NATS_PASSWORD: 'p' }, 'gateway'))).toMatchObject({ user: 'u', pass: 'p' });
  });

  it('passes TLS files through, and sets no TLS otherwise', () => {
    expect(natsConnectionOptions({ NATS_URL: ['tls://a'], NATS_TLS_CA_FILE: '/ca.pem', NATS_TLS_CERT_FILE: '/c.pem', NATS_TLS_KEY_FILE: '/k.pem' }, 'gateway').tls).toEqual({
      caFile: '/ca.pem',
      certFile: '/c.pem',
      keyFile: '/k.pem',
    });
    expect(natsConnectionOptions({ NATS_URL: ['tls://a'], NATS_TLS_CA_FILE: '/ca.pem' }, 'gateway').tls).toEqual({ caFile: '/ca.pem' });
    expect(natsConnectionOptions({ NATS_URL: ['nats://a'] }, 'gateway').tls).toBeUndefined();
  });
});
