/**
 * NATS roles and their DEVELOPMENT nkey seeds. Each service connects as its own role, and the
 * server (deploy/nats/nats-server.conf) grants each role only the subjects its job needs.
 *
 * The seeds below are public (they are in this repository): they serve `npm start` and the
 * tests, whose nats-server trusts the matching public keys in deploy/nats/dev.env. A service
 * started with NODE_ENV=production refuses every one of them (natsEnv).
 */
export const NATS_SERVICE_ROLES = ['gateway', 'auth-service', 'tasks-service', 'events-service', 'realtime-service'] as const;
export type NatsServiceRole = (typeof NATS_SERVICE_ROLES)[number];

/** The services, plus the read-only role an integration gets (docs/nats-security.md). */
export const NATS_ROLES = [...NATS_SERVICE_ROLES, 'integration'] as const;
export type NatsRole = (typeof NATS_ROLES)[number];

export const DEV_NATS_SEEDS: Readonly<Record<NatsRole, string>> = {
  gateway: 'SUAMBUCCCZGO6G4UCXRQAVPTA7C7OY57LV6DUWE3IW6EN3QO6HG5E4OVG4',
  'auth-service': 'SUAGUIEEIQFRRYRYJNDLLUVKGC5A3EOMGPFY7NKCWZJIKLMOSXR75SLTEA',
  'tasks-service': 'SUAI66P6WCWBILLFTDKUG77KN5QYQX57OK2RQVATYNLPEO4NPEZVY2SQDQ',
  'events-service': 'SUABCGSPME5FHTFXHSYAN2NFCT2NJWL7DD26HF5C57YSOFJUTUNTIKBRCI',
  'realtime-service': 'SUAAGRYDSSHCAQXVB3AKZBJV43WPFAS45M2MJWIE67FGC6D4XYNHKGFTDI',
  integration: 'SUAG53UZCDBDPGEJRHBOVTQQ6AAGR65ARL4ECMTYYFXDB5INJOKVDUZEDE',
};

/** Replies to a role arrive under this prefix, which only that role may subscribe to. */
export function natsInboxPrefix(role: string): string {
  return `_INBOX_${role}`;
}

/** Seeds that must never authenticate a production service: every seed published in this repository. */
export function isDevelopmentNatsSeed(seed: string): boolean {
  return Object.values(DEV_NATS_SEEDS).includes(seed.trim());
}
