import { randomUUID } from 'node:crypto';
import { DeliverPolicy, JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { AUTH_EVENTS_STREAM, AUTH_EVENTS_SUBJECT_PREFIX, TASK_EVENTS_STREAM, TASK_EVENTS_STREAM_SUBJECTS, TASK_EVENTS_SUBJECT_PREFIX, type RpcErrorBody } from '#contracts';
import { ACCESS_TOKEN_HEADER } from '#nats';
import { eventStreamConfig } from '#outbox';
import { waitFor } from './wait.js';

/**
 * Creates the event streams if absent, as their producers do (docs/events.md): tests of a
 * consumer must not depend on a producer having run.
 */
export async function ensureEventStreams(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const config of [{ ...eventStreamConfig(TASK_EVENTS_STREAM, TASK_EVENTS_SUBJECT_PREFIX), subjects: [...TASK_EVENTS_STREAM_SUBJECTS] }, eventStreamConfig(AUTH_EVENTS_STREAM, AUTH_EVENTS_SUBJECT_PREFIX)]) {
    try {
      await jsm.streams.info(config.name);
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound) throw error;
      await jsm.streams.add(config).catch(async (addError: unknown) => {
        // Created by someone else a moment ago is fine.
        await jsm.streams.info(config.name).catch(() => {
          throw addError;
        });
      });
    }
  }
}

/** Events stored in `stream` since `since` whose payload matches `predicate`. */
export async function readStreamEvents<T>(nc: NatsConnection, stream: string, since: Date, predicate: (event: T) => boolean): Promise<T[]> {
  const consumer = await jetstream(nc).consumers.get(stream, { deliver_policy: DeliverPolicy.StartTime, opt_start_time: since.toISOString() });
  const events: T[] = [];
  const messages = await consumer.fetch({ max_messages: 10_000, expires: 1000 });
  for await (const message of messages) {
    const event = message.json<T>();
    if (predicate(event)) events.push(event);
    if (message.info.pending === 0) break;
  }
  return events;
}

export interface RawReply<T> {
  response?: T;
  err?: RpcErrorBody;
}

/** A request in Nest's NATS packet format, answered as the raw `{response}` or `{err}`. */
export async function natsRequest<T = unknown>(
  nc: NatsConnection,
  subject: string,
  data: unknown,
  { timeoutMs = 5000, accessToken }: { timeoutMs?: number; accessToken?: string } = {},
): Promise<RawReply<T>> {
  const requestHeaders = headers();
  if (accessToken) requestHeaders.set(ACCESS_TOKEN_HEADER, accessToken);
  const reply = await nc.request(subject, JSON.stringify({ pattern: subject, data, id: randomUUID() }), { timeout: timeoutMs, headers: requestHeaders });
  const packet = reply.json<{ response?: T; err?: RpcErrorBody }>();
  return packet.err !== undefined && packet.err !== null ? { err: packet.err } : { response: packet.response as T };
}

/**
 * Waits until a durable consumer has nothing pending: events left in the stream by earlier
 * suites (while no consumer ran) are worked off before a test starts timing its own.
 */
export async function waitForConsumerDrained(nc: NatsConnection, stream: string, consumer: string, timeoutMs = 120_000): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await waitFor(async () => {
    const info = await jsm.consumers.info(stream, consumer).catch(() => undefined);
    return info !== undefined && info.num_pending === 0 && info.num_ack_pending === 0;
  }, timeoutMs, `consumer ${consumer} on ${stream} to drain`);
}
