import { describe, expect, it, jest } from '@jest/globals';
import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager, type StreamInfo } from '@nats-io/jetstream';
import { errors } from '@nats-io/transport-node';
import { consumerReplicas, ensureStream, isTransientJetStreamError, replicasOf } from './jetstream-cluster.js';

const CONFIG = { name: 'TASK_EVENTS', subjects: ['tasks.events.>'] };
const notFound = () => new JetStreamApiError({ code: 404, err_code: JetStreamApiCodes.StreamNotFound, description: 'stream not found' });
const info = (replicas: number): StreamInfo =>
  ({ config: { ...CONFIG, num_replicas: replicas }, cluster: { name: 'c', leader: 'n1', replicas: Array.from({ length: replicas - 1 }, (_, i) => ({ name: `n${i + 2}` })) } }) as unknown as StreamInfo;

/** A JetStreamManager whose streams API does only what the test says (anything else throws). */
function fakeJsm(streams: { info: () => Promise<StreamInfo>; add?: (config: unknown) => Promise<StreamInfo> }) {
  const add = jest.fn(streams.add ?? (() => Promise.reject(new Error('unexpected streams.add'))));
  const update = jest.fn(() => Promise.reject(new Error('unexpected streams.update')));
  const jsm = { streams: { info: jest.fn(streams.info), add, update } } as unknown as JetStreamManager;
  return { jsm, add, update };
}
const logger = () => ({ log: jest.fn(), warn: jest.fn() });

describe('ensureStream', () => {
  it('creates an absent stream with the replicas asked for', async () => {
    const { jsm, add } = fakeJsm({ info: () => Promise.reject(notFound()), add: () => Promise.resolve(info(3)) });
    const log = logger();
    await ensureStream(jsm, CONFIG, 3, log);
    expect(add).toHaveBeenCalledWith({ ...CONFIG, num_replicas: 3 });
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('leaves an existing stream with other replicas as it is, and says so once', async () => {
    const { jsm, add, update } = fakeJsm({ info: () => Promise.resolve(info(1)) });
    const log = logger();
    await ensureStream(jsm, CONFIG, 3, log);
    expect(add).not.toHaveBeenCalled();
    expect(update).not.toHaveBeenCalled();
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0]![0]).toMatch(/TASK_EVENTS has 1 replica\(s\) but EVENT_STREAM_REPLICAS is 3.*never recreated.*README/);
  });

  it('is quiet about an existing stream that matches', async () => {
    const { jsm } = fakeJsm({ info: () => Promise.resolve(info(3)) });
    const log = logger();
    await ensureStream(jsm, CONFIG, 3, log);
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('accepts a stream another replica created meanwhile, and fails when there is none', async () => {
    let created = false;
    const raced = fakeJsm({ info: () => (created ? Promise.resolve(info(3)) : Promise.reject(notFound())), add: () => ((created = true), Promise.reject(new Error('stream name already in use'))) });
    await expect(ensureStream(raced.jsm, CONFIG, 3, logger())).resolves.toMatchObject({ config: { name: 'TASK_EVENTS' } });
    const failing = fakeJsm({ info: () => Promise.reject(notFound()), add: () => Promise.reject(new Error('insufficient resources')) });
    await expect(ensureStream(failing.jsm, CONFIG, 3, logger())).rejects.toThrow('insufficient resources');
  });
});

describe('replicas', () => {
  it('reads a consumer that inherits its replicas from its peers', () => {
    expect(replicasOf({ config: { num_replicas: 0 }, cluster: { replicas: [{}, {}] } } as never)).toBe(3);
    expect(replicasOf({ config: { num_replicas: 0 } } as never)).toBe(1);
    expect(replicasOf(info(3))).toBe(3);
  });

  it('never asks for more consumer replicas than the stream has', () => {
    expect(consumerReplicas(info(1), 3)).toBe(1);
    expect(consumerReplicas(info(3), 3)).toBe(3);
    expect(consumerReplicas(info(3), 1)).toBe(1);
  });
});

describe('isTransientJetStreamError', () => {
  it('retries soon what a leader election causes', () => {
    expect(isTransientJetStreamError(new errors.TimeoutError())).toBe(true);
    expect(isTransientJetStreamError(new errors.NoRespondersError('tasks.events.created'))).toBe(true);
    expect(isTransientJetStreamError(Object.assign(new Error('jetstream is not enabled'), { name: 'JetStreamNotEnabled' }))).toBe(true);
    expect(isTransientJetStreamError(new JetStreamApiError({ code: 503, err_code: 10008, description: 'JetStream system temporarily unavailable' }))).toBe(true);
  });

  it('backs off further on what an operator must fix', () => {
    expect(isTransientJetStreamError(notFound())).toBe(false);
    expect(isTransientJetStreamError(new errors.PermissionViolationError('Permissions Violation', 'publish', 'tasks.events.created'))).toBe(false);
    expect(isTransientJetStreamError(new Error('boom'))).toBe(false);
  });
});
