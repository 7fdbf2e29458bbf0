import { Logger } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { DurableConsumerOptions } from '#jetstream';
import type { NatsRpcClient } from '#nats';
import type { RealtimeMetrics } from '../metrics/realtime-metrics.service.js';

const ACK_WAIT_MS = 30_000;
const MAX_DELIVER = 5;
/** A failed message is retried a second later: a live feed wants it soon or not at all. */
const RETRY_DELAY_MS = 1000;
/** How long stop() waits for the message in hand: well inside the grace period. */
const STOP_WAIT_MS = 1500;
const PULL_SIZE = 100;

export interface RealtimeConsumerSpec<T> {
  /** EVENT_STREAM_REPLICAS, for a consumer this replica creates. */
  replicas: number;
  stream: string;
  /** Shared by every replica, so each message is handled by exactly one of them. */
  durable: string;
  /** Absent: the whole stream (nats-server 2.9 takes one filter subject only). */
  filterSubject?: string;
  /** What is consumed, for log lines: "task events". */
  what: string;
  /** Logger context, e.g. the owning class's name. */
  context: string;
  /** Throws for a message this service cannot route: it is logged, counted and terminated. */
  decode: (msg: JsMsg) => T;
  /** Resolves: acked. Throws: retried a second later, up to the consumer's max deliver. */
  handle: (item: T, msg: JsMsg) => Promise<void>;
  /** Given: the messages that arrive together are handled in one call, in order (throws: `handle`, one by one). */
  handleBatch?: (items: T[]) => Promise<void>;
}

/**
 * A live feed from one durable pull consumer (libs/jetstream): created with `deliver: new` by
 * whichever replica gets there first (an existing one is kept as is), explicit acks, one
 * message at a time in stream order. Nothing is stored for a message that cannot be routed
 * or keeps failing: it is logged, counted in realtime_messages_dead_lettered_total and
 * terminated with the reason.
 */
export function realtimeConsumerOptions<T>(nats: NatsRpcClient, metrics: RealtimeMetrics, spec: RealtimeConsumerSpec<T>): DurableConsumerOptions<T> {
  const logger = new Logger(spec.context);
  return {
    connect: () => nats.connect(),
    stream: spec.stream,
    consumer: {
      create: {
        durable_name: spec.durable,
        ...(spec.filterSubject ? { filter_subject: spec.filterSubject } : {}),
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.New,
        ack_wait: nanos(ACK_WAIT_MS),
        max_deliver: MAX_DELIVER,
      },
      replicas: spec.replicas,
    },
    what: spec.what,
    context: spec.context,
    pullSize: PULL_SIZE,
    decode: spec.decode,
    handling: spec.handleBatch ? { mode: 'batch', maxBatch: PULL_SIZE, handleBatch: spec.handleBatch, handle: spec.handle } : { mode: 'each', handle: spec.handle },
    maxDeliver: MAX_DELIVER,
    retryDelayMs: () => RETRY_DELAY_MS,
    deadLetters: async ({ msg, kind, reason }) => {
      metrics.messagesDeadLettered.inc({ stream: spec.stream, kind });
      if (kind === 'poison') metrics.rejected(msg.subject);
      logger.warn(`Dropping a message on ${msg.subject} (seq ${msg.seq}, ${kind}): ${reason}`);
    },
    progressEveryMs: ACK_WAIT_MS / 3,
    maxHoldMs: ACK_WAIT_MS,
    stopWaitMs: STOP_WAIT_MS,
  };
}
