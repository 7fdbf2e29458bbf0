import { describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { MessagePipeline, PoisonMessageError, type DeadLetter, type MessagePipelineOptions } from './message-pipeline.js';

Logger.overrideLogger(false);

interface Item {
  key: string;
  n: number;
}

let seq = 0;
function message(body: string, deliveryCount = 1) {
  return {
    data: new TextEncoder().encode(body),
    seq: ++seq,
    subject: 'things.happened',
    info: { deliveryCount },
    ack: jest.fn(),
    nak: jest.fn((_delay?: number) => undefined),
    term: jest.fn((_reason?: string) => undefined),
    working: jest.fn(),
  };
}
type Msg = ReturnType<typeof message>;

const decode = (msg: JsMsg): Item => {
  const text = new TextDecoder().decode(msg.data);
  const [key, n] = text.split(':');
  if (!key || n === undefined) throw new PoisonMessageError(`not key:n: ${text}`);
  return { key, n: Number(n) };
};

function pipeline(overrides: Partial<MessagePipelineOptions<Item>> = {}, termWithReason = true) {
  const deadLetters: Omit<DeadLetter, 'msg'>[] = [];
  const metrics = { delivered: jest.fn(), retried: jest.fn(), deadLettered: jest.fn() };
  const options: MessagePipelineOptions<Item> = {
    stream: 'THINGS',
    what: 'things',
    decode,
    handling: { mode: 'each', handle: async () => undefined },
    maxDeliver: 3,
    retryDelayMs: (n) => [1000, 5000][n - 1] ?? 5000,
    deadLetters: async ({ msg: _msg, ...letter }) => {
      deadLetters.push(letter);
    },
    progressEveryMs: 1000,
    maxHoldMs: 5000,
    metrics,
    ...overrides,
  };
  const dispatcher = new MessagePipeline(options, new Logger('test'), termWithReason).open();
  /** Pushes the messages together, then drains: close() waits for every started one to be settled. */
  const run = async (...msgs: Msg[]) => {
    for (const msg of msgs) dispatcher.push(msg as unknown as JsMsg);
    await new Promise((resolve) => setImmediate(resolve));
    await dispatcher.close();
  };
  return { run, deadLetters, metrics, dispatcher };
}

describe('MessagePipeline, one message at a time', () => {
  it('acks a message its handler took', async () => {
    const handle = jest.fn(async (_item: Item, _msg: unknown) => undefined);
    const { run } = pipeline({ handling: { mode: 'each', handle } });
    const msg = message('a:1');
    await run(msg);
    expect(handle).toHaveBeenCalledWith({ key: 'a', n: 1 }, msg);
    expect(msg.ack).toHaveBeenCalledTimes(1);
  });

  it('naks a failed message with the back-off of its delivery count, and counts the retry', async () => {
    const { run, metrics, deadLetters } = pipeline({
      handling: {
        mode: 'each',
        handle: async () => {
          throw new Error('store down');
        },
      },
    });
    const [first, second] = [message('a:1', 1), message('a:2', 2)];
    await run(first, second);
    expect(first.nak).toHaveBeenCalledWith(1000);
    expect(second.nak).toHaveBeenCalledWith(5000);
    expect(metrics.retried).toHaveBeenCalledTimes(2);
    expect([first.ack, second.ack, first.term].map((f) => f.mock.calls.length)).toEqual([0, 0, 0]);
    expect(deadLetters).toEqual([]);
  });

  it('dead-letters the last allowed delivery of a failing message, then terminates it with the reason', async () => {
    const { run, deadLetters, metrics } = pipeline({
      handling: {
        mode: 'each',
        handle: async () => {
          throw new Error('store down');
        },
      },
    });
    const msg = message('a:1', 3);
    await run(msg);
    expect(deadLetters).toEqual([{ stream: 'THINGS', kind: 'max_deliver', reason: 'failed 3 times; last error: store down' }]);
    expect(msg.term).toHaveBeenCalledWith('failed 3 times; last error: store down');
    expect(msg.nak).not.toHaveBeenCalled();
    expect(metrics.deadLettered).toHaveBeenCalledWith('max_deliver');
  });

  it('dead-letters poison at once, with the decoder\'s reason, without calling the handler; a PoisonMessageError from the handler too', async () => {
    const handle = jest.fn(async (item: Item) => {
      if (item.n < 0) throw new PoisonMessageError('negative');
    });
    const { run, deadLetters } = pipeline({ handling: { mode: 'each', handle } });
    const [garbage, negative] = [message('garbage'), message('a:-1')];
    await run(garbage, negative);
    expect(deadLetters).toEqual([
      { stream: 'THINGS', kind: 'poison', reason: 'not key:n: garbage' },
      { stream: 'THINGS', kind: 'poison', reason: 'negative' },
    ]);
    expect(handle).toHaveBeenCalledTimes(1);
    expect(garbage.term).toHaveBeenCalledWith('not key:n: garbage');
    expect(negative.term).toHaveBeenCalledWith('negative');
  });

  it('terminates without a reason on a server that would ignore it', async () => {
    const { run } = pipeline({}, false);
    const msg = message('garbage');
    await run(msg);
    expect(msg.term).toHaveBeenCalledWith();
  });

  it('naks poison to try again later when the sink cannot take it, and drops it loudly on its last delivery', async () => {
    const { run, metrics } = pipeline({
      deadLetters: async () => {
        throw new Error('sink down');
      },
    });
    const [early, last] = [message('garbage', 1), message('garbage', 3)];
    await run(early, last);
    expect(early.nak).toHaveBeenCalledWith(1000);
    expect(early.term).not.toHaveBeenCalled();
    expect(last.term).toHaveBeenCalledTimes(1);
    expect(metrics.deadLettered).not.toHaveBeenCalled();
  });

  it('keeps the order of one ordering key and runs other keys alongside', async () => {
    const log: string[] = [];
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const { dispatcher } = pipeline({
      handling: {
        mode: 'each',
        orderingKey: (item) => item.key,
        maxInFlight: 8,
        handle: async (item) => {
          log.push(`start ${item.key}${item.n}`);
          if (item.key === 'a' && item.n === 1) await slow;
          log.push(`end ${item.key}${item.n}`);
        },
      },
    });
    const msgs = ['a:1', 'a:2', 'b:1', 'b:2'].map((body) => message(body));
    for (const msg of msgs) dispatcher.push(msg as unknown as JsMsg);
    await new Promise((resolve) => setImmediate(resolve));
    // b's messages are done while a's first is still held; a's second has not started.
    expect(log).toEqual(['start a1', 'start b1', 'end b1', 'start b2', 'end b2']);
    release();
    while (msgs[1]!.ack.mock.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await dispatcher.close();
    expect(log.slice(5)).toEqual(['end a1', 'start a2', 'end a2']);
    expect(msgs.every((msg) => msg.ack.mock.calls.length === 1)).toBe(true);
  });

  it('drain: close hands back what has not started and settles what has', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { dispatcher } = pipeline({ handling: { mode: 'each', handle: () => held } });
    const [inHand, waiting] = [message('a:1'), message('a:2')];
    dispatcher.push(inHand as unknown as JsMsg);
    dispatcher.push(waiting as unknown as JsMsg);
    await new Promise((resolve) => setImmediate(resolve));
    const closing = dispatcher.close();
    expect(waiting.nak).toHaveBeenCalledWith();
    expect(inHand.ack).not.toHaveBeenCalled();
    release();
    await closing;
    expect(inHand.ack).toHaveBeenCalledTimes(1);
    expect(waiting.ack).not.toHaveBeenCalled();
  });
});

describe('MessagePipeline, in batches', () => {
  function batched(handleBatch: (items: Item[]) => Promise<void>, handle: (item: Item) => Promise<void> = async () => undefined) {
    const batchCalls: Item[][] = [];
    const result = pipeline({
      handling: {
        mode: 'batch',
        maxBatch: 100,
        handleBatch: (items) => {
          batchCalls.push(items);
          return handleBatch(items);
        },
        handle,
      },
    });
    return { ...result, batchCalls };
  }

  it('handles the messages that arrive together in one call and acks each; poison in it is dead-lettered on its own', async () => {
    const { run, batchCalls, deadLetters } = batched(async () => undefined);
    const msgs = [message('a:1'), message('garbage'), message('b:1')];
    await run(...msgs);
    expect(batchCalls).toEqual([[{ key: 'a', n: 1 }, { key: 'b', n: 1 }]]);
    expect(msgs.map((msg) => msg.ack.mock.calls.length)).toEqual([1, 0, 1]);
    expect(deadLetters).toEqual([{ stream: 'THINGS', kind: 'poison', reason: 'not key:n: garbage' }]);
  });

  it('when the batch fails, handles its messages one by one so only the failing one is retried', async () => {
    const { run } = batched(
      async () => {
        throw new Error('bulk write refused');
      },
      async (item) => {
        if (item.key === 'bad') throw new Error('refused');
      },
    );
    const msgs = [message('a:1'), message('bad:1'), message('b:1')];
    await run(...msgs);
    expect(msgs.map((msg) => msg.ack.mock.calls.length)).toEqual([1, 0, 1]);
    expect(msgs[1]!.nak).toHaveBeenCalledWith(1000);
  });
});
