import { z } from 'zod';
import { baseEnv, corsEnv, httpEnv, jwtEnv, natsEnv, redisEnv, type EnvOf, type EnvPiece } from '#config';

const positiveInt = z.coerce.number().int().positive();

/** Rate limits and proxy trust are the gateway's own concerns. */
const gatewayEnv = (() => ({
  /** Proxies whose X-Forwarded-For is believed: IPs or CIDRs, comma-separated. Never `true`. */
  TRUST_PROXY: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[0-9a-fA-F.:]+(\/\d{1,3})?$/, 'must list IP addresses or CIDR ranges')))
    .prefault(''),
  RATE_LIMIT_MAX: positiveInt.default(1000),
  RATE_LIMIT_WINDOW_S: positiveInt.default(60),
  /** How often a gateway adds the hits it counted to Redis and reads back every replica's total. */
  RATE_LIMIT_SYNC_MS: positiveInt.default(100),
  /**
   * The share of a client's remaining budget one gateway may admit between two syncs: with R
   * replicas a client can exceed RATE_LIMIT_MAX by at most (R − 1) × max(1, share × limit).
   */
  RATE_LIMIT_LOCAL_SHARE: z.coerce.number().gt(0).max(1).default(0.1),
  LOGIN_FAILURE_LIMIT: positiveInt.default(5),
  LOGIN_FAILURE_WINDOW_S: positiveInt.default(900),
  /**
   * Proxy /socket.io (WebSocket included) to realtime-service so the browser sees one origin:
   * `npm start`, the one-process mode (all/) and PaaS deployments (render.yaml). In compose and
   * Kubernetes the edge proxy / Ingress routes it instead.
   */
  /** A bare `host:port` (a PaaS private-network reference such as Render's `hostport`) means http://host:port. */
  REALTIME_PROXY_URL: z
    .string()
    .transform((v) => (/^[\w.-]+:\d+$/.test(v.trim()) ? `http://${v.trim()}` : v))
    .pipe(z.url({ protocol: /^https?$/ }))
    .optional(),
  /** Readiness fails when a service does not answer its ping within this time. */
  READINESS_TIMEOUT_MS: positiveInt.default(1000),
  /**
   * Requests in flight to one service beyond which the gateway answers 503 at once (admission
   * control): a slow service cannot pile up unbounded waiting requests and sockets.
   */
  GATEWAY_MAX_IN_FLIGHT_PER_SERVICE: positiveInt.default(256),
  /** After a service answers OVERLOADED for a route's subject, shed that subject here for this long (0: never). */
  GATEWAY_OVERLOAD_BACKOFF_MS: z.coerce.number().int().min(0).max(5000).default(100),
})) satisfies EnvPiece;

export const gatewayEnvSchema = [baseEnv, httpEnv(3001), natsEnv, redisEnv, jwtEnv, corsEnv, gatewayEnv] as const;
export type GatewayEnv = EnvOf<typeof gatewayEnvSchema>;
