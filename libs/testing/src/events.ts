import { randomUUID } from 'node:crypto';
import { DiscardPolicy, JetStreamApiCodes, JetStreamApiError, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { AUTH_EVENTS_STREAM, AUTH_EVENTS_SUBJECT_PREFIX, TASK_EVENTS_STREAM, TASK_EVENTS_SUBJECT_PREFIX, type RpcErrorBody } from '#contracts';

const DAY_MS = 86_400_000;

/**
 * Creates the event streams if absent, with the configuration documented in docs/events.md
 * (the producers create them in a running system; tests must not depend on a producer).
 */
export async function ensureEventStreams(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const [name, prefix] of [
    [TASK_EVENTS_STREAM, TASK_EVENTS_SUBJECT_PREFIX],
    [AUTH_EVENTS_STREAM, AUTH_EVENTS_SUBJECT_PREFIX],
  ] as const) {
    try {
      await jsm.streams.info(name);
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound) throw error;
      await jsm.streams
        .add({
          name,
          subjects: [`${prefix}.>`],
          storage: StorageType.File,
          retention: RetentionPolicy.Limits,
          discard: DiscardPolicy.Old,
          max_age: nanos(7 * DAY_MS),
          duplicate_window: nanos(2 * 60_000),
        })
        .catch(async (addError: unknown) => {
          // Created by someone else a moment ago is fine.
          await jsm.streams.info(name).catch(() => {
            throw addError;
          });
        });
    }
  }
}

export interface RawReply<T> {
  response?: T;
  err?: RpcErrorBody;
}

/** A request in Nest's NATS packet format, answered as the raw `{response}` or `{err}`. */
export async function natsRequest<T = unknown>(nc: NatsConnection, subject: string, data: unknown, timeoutMs = 5000): Promise<RawReply<T>> {
  const reply = await nc.request(subject, JSON.stringify({ pattern: subject, data, id: randomUUID() }), { timeout: timeoutMs });
  const packet = reply.json<{ response?: T; err?: RpcErrorBody }>();
  return packet.err !== undefined && packet.err !== null ? { err: packet.err } : { response: packet.response as T };
}
