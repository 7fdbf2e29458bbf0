import { ServerNats, Transport, type NatsOptions } from '@nestjs/microservices';

export interface NatsServerConfig {
  NATS_URL: string[];
  SHUTDOWN_GRACE_MS: number;
}

/**
 * A queue group per service lets replicas share requests. On shutdown Nest unsubscribes
 * first (no new work), then waits part of the grace period for in-flight handlers.
 */
export function natsServerOptions(env: NatsServerConfig, queue: string): NatsOptions {
  return {
    transport: Transport.NATS,
    options: {
      servers: env.NATS_URL,
      name: queue,
      queue,
      maxReconnectAttempts: -1,
      gracefulShutdown: true,
      gracePeriod: Math.min(2000, Math.floor(env.SHUTDOWN_GRACE_MS / 2)),
    },
  };
}

/**
 * The NATS server strategy as an object, so the app can also ask it whether it is connected
 * (readiness) — `createMicroservice(module, { strategy })`.
 */
export class TrackedNatsServer extends ServerNats {
  private connected = false;

  constructor(options: NatsOptions['options']) {
    super(options ?? {});
    this.status.subscribe((status) => (this.connected = status === 'connected'));
  }

  isConnected(): boolean {
    return this.connected;
  }
}

export function createNatsServer(env: NatsServerConfig, queue: string): TrackedNatsServer {
  return new TrackedNatsServer(natsServerOptions(env, queue).options);
}
