import { Logger } from '@nestjs/common';
import { ReplyError, type Redis } from 'ioredis';
import type { RedisConfig } from '#config';
import { Circuit, RedisUnavailableError } from './circuit.js';
import { createRedisClient } from './redis-client.js';

export interface RedisGuardConfig extends RedisConfig {
  REDIS_COMMAND_TIMEOUT_MS: number;
  REDIS_PROBE_INTERVAL_MS: number;
}

/**
 * The one way services talk to Redis on a request path: an ioredis client without an offline
 * queue and with a short command timeout, behind a circuit. A command that times out or finds
 * no connection opens the circuit; from then on `run` rejects at once (RedisUnavailableError)
 * until a background PING answers, so a hung Redis (SIGSTOP, a stalled network) costs the
 * commands in flight one REDIS_COMMAND_TIMEOUT_MS and every later request nothing. An error
 * Redis itself answered (ReplyError, e.g. WRONGTYPE) says Redis is up and leaves it closed.
 */
export class GuardedRedis {
  readonly client: Redis;
  private readonly circuit: Circuit;
  private readonly unavailable: RedisUnavailableError;
  private readonly logger: Logger;

  constructor(
    readonly name: string,
    config: RedisGuardConfig,
  ) {
    this.client = createRedisClient(config, {
      name,
      offlineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
      connectTimeoutMs: Math.max(1000, config.REDIS_COMMAND_TIMEOUT_MS),
    });
    this.logger = new Logger(`Redis(${name})`);
    // One error object for all fast refusals: building one (with a stack) per refused call is waste.
    this.unavailable = new RedisUnavailableError(name);
    this.circuit = new Circuit({
      probe: () => this.client.ping(),
      probeIntervalMs: config.REDIS_PROBE_INTERVAL_MS,
      onChange: (open, reason) => {
        if (open) this.logger.warn(`Redis unavailable (${reason instanceof Error ? reason.message : String(reason)}); skipped until it answers again`);
        else this.logger.log('Redis answers again');
      },
    });
  }

  /** False while the circuit is open or the connection is not ready: `run` would reject at once. */
  get available(): boolean {
    return !this.circuit.isOpen && this.client.status === 'ready';
  }

  /** Runs Redis work, or rejects at once while Redis is known to be unavailable. */
  async run<T>(work: (redis: Redis) => Promise<T>): Promise<T> {
    if (this.circuit.isOpen) throw this.unavailable;
    try {
      return await work(this.client);
    } catch (error) {
      if (!(error instanceof ReplyError)) this.circuit.trip(error);
      throw error;
    }
  }

  /** Runs (after a probe succeeded) before callers may use Redis again; see Circuit.onRecovery. */
  onRecovery(hook: () => Promise<void>): void {
    this.circuit.onRecovery(hook);
  }

  /** Not awaited by callers: a service starts (and serves without Redis) while Redis is down. */
  connect(): void {
    // ioredis emits an error per reconnect attempt; the circuit logs an outage once.
    this.client.on('error', (error: Error) => this.circuit.trip(error));
    this.client.connect().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.circuit.dispose();
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
