import { type NatsContext, ServerNats, Transport, type NatsOptions } from '@nestjs/microservices';
import type { Msg } from '@nats-io/transport-node';
import type { NatsRole } from '#config';
import { natsConnectionOptions, type NatsConnectionEnv } from './connection-options.js';
import { TurnBatch } from './turn-batch.js';

export interface NatsServerConfig extends NatsConnectionEnv {
  SHUTDOWN_GRACE_MS: number;
}

/**
 * A queue group per service lets replicas share requests. On shutdown Nest unsubscribes
 * first (no new work), then waits part of the grace period for in-flight handlers.
 */
export function natsServerOptions(env: NatsServerConfig, queue: NatsRole): NatsOptions {
  return {
    transport: Transport.NATS,
    options: {
      // Nest's ServerNats spreads these into @nats-io/transport-node's connect(), so the
      // authenticator, TLS and inbox prefix reach the connection as they are.
      ...natsConnectionOptions(env, queue),
      queue,
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
  /** Replies ready in one event-loop turn go out in one socket write (see TurnBatch). */
  private readonly replies = new TurnBatch();

  constructor(options: NatsOptions['options']) {
    super(options ?? {});
    this.status.subscribe((status) => (this.connected = status === 'connected'));
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** Each reply is published in the turn's batch rather than at once (see TurnBatch). */
  override getPublisher(natsMsg: Msg, id: string, ctx: NatsContext): (response: unknown) => unknown {
    const publish = super.getPublisher(natsMsg, id, ctx);
    return (response) => this.replies.run(() => publish(response));
  }

  /**
   * Nest tries JSON.parse on every incoming subject first, for object patterns; ours are plain
   * subjects (libs/contracts), so that threw, and built a SyntaxError with its stack, on every
   * request (~1% of tasks-service's CPU). Anything that could be JSON still goes that way.
   */
  protected override getRouteFromPattern(pattern: string): string {
    return /^[[{"]/.test(pattern) ? super.getRouteFromPattern(pattern) : this.normalizePattern(pattern);
  }
}

export function createNatsServer(env: NatsServerConfig, queue: NatsRole): TrackedNatsServer {
  return new TrackedNatsServer(natsServerOptions(env, queue).options);
}
