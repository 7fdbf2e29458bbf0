import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { ErrorCode, RpcError } from '#contracts';
import { HashingPool } from './hashing-pool.js';

/** A job the test finishes by hand, and whether it ever started. */
function job() {
  let finish!: () => void;
  let markStarted!: () => void;
  const state = { started: false };
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const work = () => {
    state.started = true;
    markStarted();
    return new Promise<void>((resolve) => (finish = resolve));
  };
  return { work, state, started, finish: () => finish() };
}

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'ok', (error: unknown) => (error instanceof RpcError ? error.code : String(error)));
const far = () => Date.now() + 60_000;

afterEach(() => {
  jest.useRealTimers();
});

describe('HashingPool', () => {
  it('runs up to its concurrency, queues up to its bound, refuses the rest at once as OVERLOADED', async () => {
    const pool = new HashingPool({ HASH_CONCURRENCY: 1, HASH_QUEUE_MAX: 1, HASH_MAX_WAIT_MS: 60_000, SHUTDOWN_GRACE_MS: 5000 });
    const [a, b, c] = [job(), job(), job()];
    const first = pool.run(a.work, far());
    const second = pool.run(b.work, far());
    expect(await codeOf(pool.run(c.work, far()))).toBe(ErrorCode.OVERLOADED);
    expect([a.state.started, b.state.started, c.state.started]).toEqual([true, false, false]);
    a.finish();
    await first;
    expect(b.state.started).toBe(true);
    b.finish();
    await second;
    expect(pool.stats()).toMatchObject({ running: 0, waiting: 0 });
  });

  it('refuses at once what would wait longer than HASH_MAX_WAIT_MS, however far its deadline', async () => {
    // A hash is estimated at 250 ms until measured: with one slot, a second queued job would wait ~500 ms.
    const pool = new HashingPool({ HASH_CONCURRENCY: 1, HASH_QUEUE_MAX: 10, HASH_MAX_WAIT_MS: 300, SHUTDOWN_GRACE_MS: 5000 });
    const [running, queued, beyond] = [job(), job(), job()];
    const first = pool.run(running.work, far());
    const second = pool.run(queued.work, far());
    expect(await codeOf(pool.run(beyond.work, far()))).toBe(ErrorCode.OVERLOADED);
    expect(pool.stats()).toMatchObject({ running: 1, waiting: 1 });
    running.finish();
    await first;
    queued.finish();
    await second;
    expect(beyond.state.started).toBe(false);
  });

  it('refuses work that could not finish before its deadline, and never starts it', async () => {
    const pool = new HashingPool({ HASH_CONCURRENCY: 1, HASH_QUEUE_MAX: 10, HASH_MAX_WAIT_MS: 60_000, SHUTDOWN_GRACE_MS: 5000 });
    const late = job();
    expect(await codeOf(pool.run(late.work, Date.now() + 5))).toBe(ErrorCode.OVERLOADED);
    expect(late.state.started).toBe(false);
  });

  it('drops a queued job whose deadline passed while it waited', async () => {
    const pool = new HashingPool({ HASH_CONCURRENCY: 1, HASH_QUEUE_MAX: 10, HASH_MAX_WAIT_MS: 60_000, SHUTDOWN_GRACE_MS: 5000 });
    const [running, queued] = [job(), job()];
    const first = pool.run(running.work, far());
    const second = codeOf(pool.run(queued.work, Date.now() + 600));
    await running.started;
    // The clock moves past the queued job's deadline before the running one ends.
    jest.useFakeTimers({ now: Date.now() + 650, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    running.finish();
    await first;
    expect(await second).toBe(ErrorCode.OVERLOADED);
    expect(queued.state.started).toBe(false);
  });

  it('on shutdown refuses what waits and lets what runs finish', async () => {
    const pool = new HashingPool({ HASH_CONCURRENCY: 1, HASH_QUEUE_MAX: 10, HASH_MAX_WAIT_MS: 60_000, SHUTDOWN_GRACE_MS: 5000 });
    const [running, queued] = [job(), job()];
    const first = codeOf(pool.run(running.work, far()));
    const second = codeOf(pool.run(queued.work, far()));
    await running.started;
    pool.beforeApplicationShutdown();
    expect(await second).toBe(ErrorCode.OVERLOADED);
    // Nothing queues any more: with the slot busy, a newcomer is refused at once.
    const late = job();
    expect(await codeOf(pool.run(late.work, far()))).toBe(ErrorCode.OVERLOADED);
    expect(late.state.started).toBe(false);
    running.finish();
    expect(await first).toBe('ok');
  });

  it('while shutting down serves a newcomer only if a slot is free and its hash fits the drain', async () => {
    // SHUTDOWN_GRACE_MS 5000: running handlers get 2 s, ample for one hash (250 ms estimated).
    const roomy = new HashingPool({ HASH_CONCURRENCY: 1, HASH_QUEUE_MAX: 10, HASH_MAX_WAIT_MS: 60_000, SHUTDOWN_GRACE_MS: 5000 });
    roomy.beforeApplicationShutdown();
    const served = job();
    const outcome = codeOf(roomy.run(served.work, far()));
    await served.started;
    served.finish();
    expect(await outcome).toBe('ok');

    // SHUTDOWN_GRACE_MS 100: 50 ms left to running handlers, less than a hash.
    const tight = new HashingPool({ HASH_CONCURRENCY: 1, HASH_QUEUE_MAX: 10, HASH_MAX_WAIT_MS: 60_000, SHUTDOWN_GRACE_MS: 100 });
    tight.beforeApplicationShutdown();
    const refused = job();
    expect(await codeOf(tight.run(refused.work, far()))).toBe(ErrorCode.OVERLOADED);
    expect(refused.state.started).toBe(false);
  });
});
