import { AckPolicy, DeliverPolicy, ReplayPolicy, type ConsumerConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { AUTH_EVENTS_STREAM, AUTH_EVENTS_SUBJECT_PREFIX, TASK_EVENTS_STREAM } from '#contracts';
import type { EventSource } from './parse-event.js';

/** One durable consumer per stream, shared by every replica: that is how replicas split the work. */
export const CONSUMER_NAME = 'events-service';

export interface ConsumedStream {
  source: EventSource;
  stream: string;
  /** Absent: the whole stream (TASK_EVENTS holds task and project events; nats-server 2.9 takes one filter only). */
  filter?: string;
}

export const CONSUMED_STREAMS: readonly ConsumedStream[] = [
  { source: 'task', stream: TASK_EVENTS_STREAM },
  { source: 'auth', stream: AUTH_EVENTS_STREAM, filter: `${AUTH_EVENTS_SUBJECT_PREFIX}.>` },
];

/** Pause before the n-th redelivery of a message that failed (1 s, 5 s, 15 s, then 30 s). */
const RETRY_SCHEDULE_MS = [1_000, 5_000, 15_000, 30_000];
/**
 * Ack timeouts, first delivery first: a message is only ever unacked this long when its
 * replica died (a live one sends `working()` for every message it holds, queued or in
 * progress, every third of the wait), so the first is sized to a slow batch write with room
 * to spare, not to a quick retry: a 1 s wait redelivered queued messages of a healthy replica.
 */
const ACK_TIMEOUT_SCHEDULE_MS = [10_000, 15_000, 30_000, 30_000];
/** Without a back-off list (max deliver 1), how long the server waits for an ack. */
const DEFAULT_ACK_WAIT_MS = 30_000;

/**
 * The back-off list the server applies to redeliveries after an ack timeout (a replica that
 * crashed mid-batch); with a back-off list the server's ack wait is its first entry. NATS
 * requires max_deliver > its length, so it is cut to fit.
 */
export function backoffSchedule(maxDeliver: number): number[] {
  return ACK_TIMEOUT_SCHEDULE_MS.slice(0, Math.max(0, maxDeliver - 1));
}

/** The delay this service asks for when it naks the `deliveryCount`-th delivery of a message. */
export function retryDelayMs(deliveryCount: number, maxDeliver: number): number {
  const schedule = RETRY_SCHEDULE_MS.slice(0, Math.max(1, maxDeliver - 1));
  return schedule[Math.min(Math.max(deliveryCount, 1), schedule.length) - 1]!;
}

/** How long the server waits for an ack before redelivering; the consumer sends `working()` while it holds a message. */
export function ackWaitMs(maxDeliver: number): number {
  return backoffSchedule(maxDeliver)[0] ?? DEFAULT_ACK_WAIT_MS;
}

/** The fields that may change on an existing durable consumer (ConsumerUpdateConfig). */
export function consumerUpdate(maxDeliver: number) {
  const backoff = backoffSchedule(maxDeliver);
  return {
    ack_wait: nanos(ackWaitMs(maxDeliver)),
    max_deliver: maxDeliver,
    ...(backoff.length > 0 ? { backoff: backoff.map((ms) => nanos(ms)) } : {}),
    // Room for a large batch while the previous one is written (see BATCH_SIZE in the consumer).
    max_ack_pending: 10000,
  };
}

export function consumerConfig(stream: ConsumedStream, maxDeliver: number): Partial<ConsumerConfig> & { durable_name: string } {
  return {
    durable_name: CONSUMER_NAME,
    description: `events-service: event log and notifications from ${stream.stream}`,
    ...(stream.filter ? { filter_subject: stream.filter } : {}),
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    ...consumerUpdate(maxDeliver),
  };
}
