import { JetStreamApiCodes, JetStreamApiError, type ConsumerInfo, type JetStreamManager, type StreamConfig, type StreamInfo } from '@nats-io/jetstream';
import { errors } from '@nats-io/transport-node';

/** Where replica decisions are reported: a Nest Logger fits. */
export interface ReplicaLogger {
  log(message: string): void;
  warn(message: string): void;
}

/** The README section an operator follows to change the replicas of a live stream or consumer. */
const HOW_TO_CHANGE = 'see README "Running on a NATS cluster" to change it';

/**
 * The replicas a stream or consumer is configured with; a consumer created without num_replicas
 * (reported 0) inherits its stream's, so its peers count (an offline peer included).
 */
export function replicasOf(info: Pick<StreamInfo | ConsumerInfo, 'config' | 'cluster'>): number {
  return info.config.num_replicas || 1 + (info.cluster?.replicas?.length ?? 0);
}

/** One line, logged at start-up, when an existing stream or consumer has other replicas than EVENT_STREAM_REPLICAS asks for. */
export function warnOnReplicaMismatch(what: string, info: Pick<StreamInfo | ConsumerInfo, 'config' | 'cluster'>, wanted: number, logger: ReplicaLogger): void {
  const actual = replicasOf(info);
  if (actual === wanted) return;
  logger.warn(`${what} has ${actual} replica(s) but EVENT_STREAM_REPLICAS is ${wanted}: it is kept as it is (never recreated, its events and positions stay); ${HOW_TO_CHANGE}`);
}

/**
 * Creates the stream with `replicas` when absent; an existing one is left as operators configured
 * it, with a warning when its replicas differ. Replicas starting together may both try to create
 * it: the loser finds it created.
 */
export async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }, replicas: number, logger: ReplicaLogger): Promise<StreamInfo> {
  const existing = await streamInfoOrNull(jsm, config.name);
  if (existing) {
    warnOnReplicaMismatch(`JetStream stream ${config.name}`, existing, replicas, logger);
    return existing;
  }
  try {
    const created = await jsm.streams.add({ ...config, num_replicas: replicas });
    logger.log(`Created JetStream stream ${config.name} with ${replicas} replica(s)`);
    return created;
  } catch (addError) {
    const raced = await streamInfoOrNull(jsm, config.name).catch(() => null);
    if (!raced) throw addError;
    warnOnReplicaMismatch(`JetStream stream ${config.name}`, raced, replicas, logger);
    return raced;
  }
}

async function streamInfoOrNull(jsm: JetStreamManager, name: string): Promise<StreamInfo | null> {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return null;
    throw error;
  }
}

/**
 * The replicas a new durable consumer of `stream` is created with: as configured, but never more
 * than the stream has (the server refuses that; the stream's own mismatch is already reported).
 */
export function consumerReplicas(stream: Pick<StreamInfo, 'config' | 'cluster'>, wanted: number): number {
  return Math.min(wanted, replicasOf(stream));
}

/**
 * JetStream API codes a cluster answers while it elects a leader or has lost a peer: the request
 * will succeed once the election is over (seconds), so it is retried soon, not after a long back-off.
 */
const TRANSIENT_API_CODES: ReadonlySet<number> = new Set([
  10008, // JetStream system temporarily unavailable (no meta leader)
  10009, // JetStream cluster can not handle request (asked a peer that is not the leader)
  10118, // stream is offline
  10119, // consumer is offline
]);

/**
 * Whether a JetStream publish or API call failed because the cluster is between leaders (a node
 * was lost, a leader moved): a timeout, nobody answering (a publish to a stream with no leader
 * is answered 503, which the client reports as JetStream not enabled), or a transient API code.
 * Such failures are retried within about a second; anything else backs off further.
 */
export function isTransientJetStreamError(error: unknown): boolean {
  if (error instanceof errors.TimeoutError || error instanceof errors.NoRespondersError) return true;
  // The client's JetStreamNotEnabled is not exported; it is only ever this 503 answer.
  if (error instanceof Error && error.name === 'JetStreamNotEnabled') return true;
  if (error instanceof errors.RequestError) return error.isNoResponders() || error.cause instanceof errors.TimeoutError;
  return error instanceof JetStreamApiError && TRANSIENT_API_CODES.has(error.code);
}

/**
 * Options for `consumer.consume()`. The server sends an idle heartbeat on each pull request; two
 * missed ones make the client re-check the consumer and pull again. A pull request lives on the
 * consumer's leader, so when that node dies the request dies with it: with the client's default
 * (half of a 30 s expiry) the consumer would sit idle for 30 s after a leader change; with 2 s it
 * pulls from the new leader within about 4 s of the election.
 */
export const CONSUME_IDLE_HEARTBEAT_MS = 2000;
