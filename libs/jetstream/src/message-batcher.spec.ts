import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { MessageBatcher } from './message-batcher.js';

const msg = (id: number) => ({ id, working: jest.fn(), nak: jest.fn((_ms?: number) => undefined) });
type Msg = ReturnType<typeof msg>;

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('MessageBatcher', () => {
  let batcher: MessageBatcher<Msg> | undefined;
  afterEach(async () => {
    jest.useRealTimers();
    await batcher?.close();
  });

  function make(handle: (batch: Msg[]) => Promise<void>, maxBatch = 10) {
    batcher = new MessageBatcher<Msg>({ maxBatch, progressEveryMs: 1000, maxHoldMs: 5000, handle, onError: () => undefined });
    return batcher;
  }

  it('makes one batch of the messages that arrive together, and the next of those that arrive meanwhile, in order', async () => {
    const batches: number[][] = [];
    const gate = deferred();
    const b = make(async (batch) => {
      batches.push(batch.map((m) => m.id));
      if (batches.length === 1) await gate.promise;
    });
    [1, 2, 3].forEach((id) => b.push(msg(id)));
    await flush();
    [4, 5].forEach((id) => b.push(msg(id)));
    await flush();
    expect(batches).toEqual([[1, 2, 3]]);
    gate.resolve();
    await flush();
    await flush();
    expect(batches).toEqual([[1, 2, 3], [4, 5]]);
  });

  it('cuts batches at maxBatch', async () => {
    const batches: number[][] = [];
    const b = make(async (batch) => void batches.push(batch.map((m) => m.id)), 2);
    [1, 2, 3, 4, 5].forEach((id) => b.push(msg(id)));
    for (let i = 0; i < 5; i += 1) await flush();
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
    expect(b.size).toBe(0);
  });

  it('reports every held message in progress, queued ones too, until it has been held too long', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    const gate = deferred();
    const b = make(() => gate.promise, 1);
    const [first, second] = [msg(1), msg(2)];
    b.push(first);
    b.push(second);
    await flush();
    jest.advanceTimersByTime(1000);
    expect(first.working).toHaveBeenCalledTimes(1); // being written
    expect(second.working).toHaveBeenCalledTimes(1); // queued behind it
    jest.advanceTimersByTime(5000);
    expect(first.working).toHaveBeenCalledTimes(4); // not after maxHoldMs
    gate.resolve();
  });

  it('on close hands queued messages back and waits for the batch being written', async () => {
    const gate = deferred();
    let finished = false;
    const b = make(async () => {
      await gate.promise;
      finished = true;
    }, 1);
    const [first, second] = [msg(1), msg(2)];
    b.push(first);
    b.push(second);
    await flush();
    const closing = b.close();
    expect(second.nak).toHaveBeenCalledTimes(1);
    expect(first.nak).not.toHaveBeenCalled();
    gate.resolve();
    await closing;
    expect(finished).toBe(true);
    const late = msg(3);
    b.push(late);
    expect(late.nak).toHaveBeenCalledTimes(1);
  });
});
