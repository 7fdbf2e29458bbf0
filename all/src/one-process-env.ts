import type { NatsServiceRole } from '#config';

/** realtime-service's own port in one-process mode (its probes and metrics); browsers reach it through the gateway's /socket.io proxy. */
export const DEFAULT_INTERNAL_REALTIME_PORT = 3002;

/**
 * What the composition root decides for a service, between the plain variables and the
 * service's prefixed ones (libs/config serviceEnvSource): PORT is the gateway's, so
 * realtime-service listens on its own (REALTIME_SERVICE_PORT overrides it), and the gateway
 * proxies /socket.io there.
 */
export function oneProcessDefaults(role: NatsServiceRole, realtimePort: number = DEFAULT_INTERNAL_REALTIME_PORT): Record<string, string> {
  if (role === 'realtime-service') return { PORT: String(DEFAULT_INTERNAL_REALTIME_PORT) };
  if (role === 'gateway') return { REALTIME_PROXY_URL: `http://127.0.0.1:${realtimePort}` };
  return {};
}
