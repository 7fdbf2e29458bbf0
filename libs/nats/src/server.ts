import { type NatsContext, ServerNats, Transport, type NatsOptions } from '@nestjs/microservices';
import type { NatsConnection, Msg, Subscription } from '@nats-io/transport-node';
import type { NatsRole } from '#config';
import { natsConnectionOptions, type NatsConnectionEnv } from './connection-options.js';
import { InFlightRequests } from './in-flight-requests.js';
import { TurnBatch } from './turn-batch.js';

export interface NatsServerConfig extends NatsConnectionEnv {
  SHUTDOWN_GRACE_MS: number;
}

/** How long a shutdown waits for in-flight handlers: part of the grace period, the rest is for closing connections. */
export function handlerGraceMs(env: Pick<NatsServerConfig, 'SHUTDOWN_GRACE_MS'>): number {
  return Math.min(2000, Math.floor(env.SHUTDOWN_GRACE_MS / 2));
}

/**
 * A queue group per service lets replicas share requests. On shutdown Nest's own server
 * unsubscribes first (no new work), then waits part of the grace period for in-flight handlers
 * (TrackedNatsServer does better: it drains, and waits for exactly what is in flight).
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
      gracePeriod: handlerGraceMs(env),
    },
  };
}

/**
 * The NATS server strategy as an object, so the app can also ask it whether it is connected
 * (readiness) — `createMicroservice(module, { strategy })` — and so its shutdown is exact:
 * the subscriptions are drained (no new work; what NATS already delivered is still handled,
 * not dropped into a 504), then it waits for the requests in flight to be answered, at most
 * `handlerGraceMs`, and only then closes the connection.
 */
export class TrackedNatsServer extends ServerNats {
  private connected = false;
  private connection?: NatsConnection;
  private readonly subscriptionsToDrain: Subscription[] = [];
  private readonly inFlight = new InFlightRequests();
  /** The end of each request taken, until its final answer is published. */
  private readonly ends = new WeakMap<Msg, () => void>();
  /** Replies ready in one event-loop turn go out in one socket write (see TurnBatch). */
  private readonly replies = new TurnBatch();

  constructor(
    options: NatsOptions['options'],
    private readonly graceMs: number,
    private readonly queue?: string,
  ) {
    super(options ?? {});
    this.status.subscribe((status) => (this.connected = status === 'connected'));
  }

  isConnected(): boolean {
    return this.connected;
  }

  override async createNatsClient(): Promise<NatsConnection> {
    this.connection = (await super.createNatsClient()) as NatsConnection;
    return this.connection;
  }

  /** As Nest's, but keeping the subscriptions so that close() can drain them. */
  override bindEvents(client: NatsConnection): void {
    for (const [channel, handler] of this.messageHandlers) {
      const queue = (handler.extras?.queue as string | undefined) ?? this.queue;
      this.subscriptionsToDrain.push(client.subscribe(channel, { queue, callback: this.getMessageHandler(channel).bind(this) }));
    }
  }

  override async handleMessage(channel: string, message: Msg): Promise<unknown> {
    if (!message.reply) return super.handleMessage(channel, message);
    const end = this.inFlight.start();
    this.ends.set(message, end);
    try {
      return await super.handleMessage(channel, message);
    } catch (error) {
      end();
      throw error;
    }
  }

  /** Each reply is published in the turn's batch (see TurnBatch); the request ends once its last packet is out. */
  override getPublisher(message: Msg, id: string, context: NatsContext): (response: { isDisposed?: boolean; err?: unknown }) => unknown {
    const publish = super.getPublisher(message, id, context);
    const end = this.ends.get(message);
    return (response) =>
      this.replies
        .run(() => publish(response))
        .finally(() => {
          // Nest marks a reply's last packet isDisposed; an error packet is always the last.
          if (response.isDisposed || response.err !== undefined) end?.();
        });
  }

  override async close(): Promise<void> {
    await Promise.allSettled(this.subscriptionsToDrain.splice(0).map((subscription) => subscription.drain()));
    // Messages the drain delivered have started; let them reach their handlers before waiting.
    await new Promise((resolve) => setImmediate(resolve));
    await this.inFlight.idle(this.graceMs);
    await this.connection?.flush().catch(() => undefined);
    await super.close();
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
  // Its close() drains and waits itself; Nest's unsubscribe-and-wait would drop delivered requests.
  return new TrackedNatsServer({ ...natsServerOptions(env, queue).options, gracefulShutdown: false }, handlerGraceMs(env), queue);
}
