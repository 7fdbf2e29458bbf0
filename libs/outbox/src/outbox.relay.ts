import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DiscardPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type JetStreamClient, type StreamConfig } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { ensureStream, isTransientJetStreamError } from '#nats';
import type { OutboxSignal } from './outbox.signal.js';
import { publishWindowed } from './windowed-publish.js';

const DAY_MS = 86_400_000;

export type EventStreamConfig = Partial<StreamConfig> & { name: string; subjects: string[] };

/**
 * An event stream as producers create it when absent, with EVENT_STREAM_REPLICAS replicas (an
 * existing stream is left as operators configured it; libs/nats ensureStream):
 * - file storage, limits retention, so any integration can add its own durable consumer;
 * - events kept 7 days, then the oldest are discarded (`discard: old`);
 * - a 2-minute duplicate window: a message id (the eventId) seen within it is stored once,
 *   which absorbs a relay that crashes between publishing and marking the row published.
 */
export function eventStreamConfig(name: string, subjectPrefix: string): EventStreamConfig {
  return {
    name,
    subjects: [`${subjectPrefix}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(7 * DAY_MS),
    duplicate_window: nanos(2 * 60_000),
  };
}

export interface OutboxRelayOptions {
  /** From natsConnectionOptions(env, role, name): the producing service's credentials. */
  connection: NodeConnectionOptions;
  /** The outbox table: (id bigserial, event_id uuid, subject text, payload jsonb, published_at, attempts, last_error). */
  table: string;
  stream: EventStreamConfig;
  /** EVENT_STREAM_REPLICAS: the stream's replicas when this relay creates it. */
  replicas: number;
  pollMs: number;
  batchSize?: number;
  /** Publishes awaiting their ack at once (default 256). */
  publishWindow?: number;
  publishTimeoutMs?: number;
  maxBackoffMs?: number;
  /** The key events must stay in order within (a task, a user); null: no order to keep. */
  orderingKey: (payload: unknown) => string | null;
}

const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_PUBLISH_WINDOW = 256;
/**
 * The longest pause after a failure the cluster recovers from by itself (a leader election
 * takes seconds): the backlog starts draining within this of the new leader, not after the
 * full back-off meant for failures that need an operator.
 */
const TRANSIENT_MAX_BACKOFF_MS = 1000;

type BatchOutcome = { kind: 'done' | 'full' | 'busy' } | { kind: 'failed'; error: unknown };

/**
 * Publishes committed outbox rows to JetStream, in id order, each with its eventId as the
 * message id. Rows are claimed with FOR UPDATE SKIP LOCKED inside a transaction-scoped
 * advisory lock, so replicas never publish a row concurrently; the stream's duplicate window
 * drops a re-publish after a crash. A batch is published without waiting for each ack in
 * turn (publishWindowed: a bounded window, rows of one ordering key chained), then the rows
 * acked are marked in one UPDATE. A failure is recorded on its row, later rows of its key wait
 * for the next batch, and the relay backs off (exponentially, capped) until NATS answers again:
 * at most a second while the stream has no leader (a node lost, a timeout), longer otherwise.
 */
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private connection?: NatsConnection;
  private loop?: Promise<void>;
  private stopping = false;
  private wakeSleeper?: () => void;
  private failing = false;
  /** One relay per table at a time publishes, so events leave in outbox order across replicas. */
  private readonly lockName: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly signal: OutboxSignal,
    private readonly options: OutboxRelayOptions,
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(options.table)) throw new Error(`Unsafe outbox table name: ${options.table}`);
    this.lockName = `taskflow:outbox:${options.table}`;
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  start(): void {
    this.stopping = false;
    this.loop ??= this.run().catch((error: unknown) => this.logger.error(`Outbox relay stopped: ${describe(error)}`));
  }

  /** Stops taking batches, lets the one in flight finish, then drains the connection. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.signal.notify();
    this.wakeSleeper?.();
    await this.loop;
    this.loop = undefined;
    const connection = this.connection;
    this.connection = undefined;
    if (connection && !connection.isClosed()) await connection.drain().catch(() => connection.close());
  }

  private async run(): Promise<void> {
    const connection = await this.connect();
    if (!connection) return;
    const js = jetstream(connection, { timeout: this.options.publishTimeoutMs ?? 3000 });
    let streamReady = false;
    let failures = 0;
    while (!this.stopping) {
      let outcome: BatchOutcome;
      try {
        if (!streamReady) streamReady = await ensureStream(await jetstreamManager(connection), this.options.stream, this.options.replicas, this.logger).then(() => true);
        outcome = await this.publishBatch(js);
      } catch (error) {
        outcome = { kind: 'failed', error };
      }
      if (outcome.kind === 'failed') {
        failures += 1;
        const delay = Math.min(this.backoff(failures), isTransientJetStreamError(outcome.error) ? TRANSIENT_MAX_BACKOFF_MS : Number.POSITIVE_INFINITY);
        if (!this.failing) this.logger.warn(`Outbox publishing failed (${describe(outcome.error)}); retrying with back-off`);
        this.failing = true;
        await this.sleep(delay);
        continue;
      }
      if (this.failing) this.logger.log('Outbox publishing resumed');
      this.failing = false;
      failures = 0;
      if (outcome.kind === 'full') continue;
      // Another replica holds the relay lock: look again soon, it may stop.
      if (outcome.kind === 'busy') await this.sleep(Math.min(250, this.options.pollMs));
      else await this.signal.wait(this.options.pollMs);
    }
  }

  private backoff(failures: number): number {
    return Math.min(this.options.maxBackoffMs ?? 10_000, 100 * 2 ** Math.min(failures - 1, 16));
  }

  /** Keeps trying until connected or stopped; later outages are handled by the client's reconnects. */
  private async connect(): Promise<NatsConnection | undefined> {
    let failures = 0;
    while (!this.stopping) {
      try {
        this.connection = await connect({ ...this.options.connection, maxReconnectAttempts: -1 });
        if (this.stopping) return undefined;
        return this.connection;
      } catch (error) {
        failures += 1;
        if (failures === 1) this.logger.warn(`Outbox relay cannot reach NATS (${describe(error)}); retrying`);
        await this.sleep(this.backoff(failures));
      }
    }
    return undefined;
  }

  private publishBatch(js: JetStreamClient): Promise<BatchOutcome> {
    const batchSize = this.options.batchSize ?? DEFAULT_BATCH_SIZE;
    return this.dataSource.transaction(async (db): Promise<BatchOutcome> => {
      const [{ locked }] = (await db.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [this.lockName])) as { locked: boolean }[];
      if (!locked) return { kind: 'busy' };
      const rows = (await db.query(
        `SELECT id, event_id, subject, payload FROM ${this.options.table}
          WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize],
      )) as { id: string; event_id: string; subject: string; payload: unknown }[];
      const { published, failed } = await publishWindowed(
        rows.map((row) => ({
          id: row.id,
          orderingKey: this.options.orderingKey(row.payload),
          publish: () => js.publish(row.subject, JSON.stringify(row.payload), { msgID: row.event_id }),
        })),
        this.options.publishWindow ?? DEFAULT_PUBLISH_WINDOW,
      );
      if (published.length > 0) {
        await db.query(`UPDATE ${this.options.table} SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])`, [published]);
      }
      if (failed.length > 0) {
        const error = failed[0]!.error;
        await db.query(`UPDATE ${this.options.table} SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])`, [
          failed.map((failure) => failure.id),
          describe(error).slice(0, 1000),
        ]);
        return { kind: 'failed', error };
      }
      return { kind: rows.length === batchSize ? 'full' : 'done' };
    });
  }

  /** A pause that stop() cuts short. */
  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeSleeper = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeSleeper = done;
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
