import { JetStreamApiCodes, JetStreamApiError, type ConsumerConfig, type ConsumerUpdateConfig, type JetStreamManager, type StreamInfo } from '@nats-io/jetstream';
import { consumerReplicas, warnOnReplicaMismatch, type ReplicaLogger } from '#nats';

export interface DurableConsumerConfig {
  /** The consumer as created, by whichever replica gets there first (NATS treats the same config added twice as one consumer). */
  create: Partial<ConsumerConfig> & { durable_name: string };
  /**
   * Settings an existing consumer is brought up to date with when any of them differs
   * (a deployment changed them); absent: an existing consumer is kept as it is.
   */
  update?: Partial<ConsumerUpdateConfig>;
  /** EVENT_STREAM_REPLICAS: a new consumer gets as many replicas (never more than its stream); an existing one with others is kept, with a warning. */
  replicas: number;
}

export type EnsureOutcome = 'no_stream' | 'created' | 'updated' | 'kept';

/**
 * The one place a durable consumer is created or upgraded. 'no_stream': the stream does not
 * exist yet (its producer creates it). An update the server refuses keeps the old settings,
 * reported through `onUpdateRefused`, rather than stopping consumption.
 */
export async function ensureDurableConsumer(
  jsm: JetStreamManager,
  stream: string,
  config: DurableConsumerConfig,
  onUpdateRefused: (error: unknown) => void,
  logger: ReplicaLogger,
): Promise<EnsureOutcome> {
  const durable = config.create.durable_name;
  let streamInfo: StreamInfo;
  try {
    streamInfo = await jsm.streams.info(stream);
  } catch (error) {
    if (isApiError(error, JetStreamApiCodes.StreamNotFound)) return 'no_stream';
    throw error;
  }
  let current: ConsumerConfig;
  try {
    const info = await jsm.consumers.info(stream, durable);
    warnOnReplicaMismatch(`Durable consumer ${durable} on ${stream}`, info, config.replicas, logger);
    current = info.config;
  } catch (error) {
    if (!isApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
    await jsm.consumers.add(stream, { ...config.create, num_replicas: consumerReplicas(streamInfo, config.replicas) });
    return 'created';
  }
  const wanted = config.update;
  if (!wanted || !differs(current, wanted)) return 'kept';
  try {
    await jsm.consumers.update(stream, durable, wanted);
    return 'updated';
  } catch (error) {
    onUpdateRefused(error);
    return 'kept';
  }
}

function differs(current: ConsumerConfig, wanted: Partial<ConsumerUpdateConfig>): boolean {
  const now = current as unknown as Record<string, unknown>;
  return Object.entries(wanted).some(([key, value]) => JSON.stringify(now[key] ?? null) !== JSON.stringify(value ?? null));
}

function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}
