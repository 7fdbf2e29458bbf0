import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import { connectAs, waitFor } from '#testing';
import { DurableConsumer, PoisonMessageError, type DeadLetter, type DurableConsumerOptions } from '../src/index.js';

Logger.overrideLogger(false);

interface Item {
  key: string;
  n: number;
}

/** A real nats-server (the harness's): a stream of its own per test, consumed through DurableConsumer. */
describe('DurableConsumer on a real JetStream', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    nc = await connectAs('test-admin');
    jsm = await jetstreamManager(nc);
  });
  afterAll(async () => {
    await nc.close();
  });

  async function stream() {
    const id = randomUUID().slice(0, 8);
    const name = `JETSTREAM_LIB_${id}`;
    const subject = `jetstream-lib.${id}`;
    await jsm.streams.add({ name, subjects: [`${subject}.>`] });
    const js = jetstream(nc);
    const publish = (key: string, body: string) => js.publish(`${subject}.${key}`, body);
    const pending = async () => {
      const info = await jsm.consumers.info(name, 'lib-test');
      return info.num_pending + info.num_ack_pending;
    };
    return { name, publish, pending, remove: () => jsm.streams.delete(name) };
  }

  function options(name: string, handle: (item: Item) => Promise<void>, deadLetters: DeadLetter[]): DurableConsumerOptions<Item> {
    return {
      connect: async () => nc,
      stream: name,
      // A short ack wait: a message the server sent to a pull that was closed meanwhile comes back after it.
      consumer: { create: { durable_name: 'lib-test', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, max_deliver: 3, ack_wait: nanos(2000) }, replicas: 1 },
      what: 'test messages',
      context: 'test',
      pullSize: 50,
      decode: (msg) => {
        const [key, n] = new TextDecoder().decode(msg.data).split(':');
        if (!key || n === undefined) throw new PoisonMessageError('not key:n');
        return { key, n: Number(n) };
      },
      handling: { mode: 'each', handle, orderingKey: (item) => item.key, maxInFlight: 4 },
      maxDeliver: 3,
      retryDelayMs: () => 100,
      deadLetters: async (letter) => {
        deadLetters.push(letter);
      },
      progressEveryMs: 1000,
      maxHoldMs: 30_000,
      stopWaitMs: 5000,
    };
  }

  it('creates its durable consumer, keeps each key in order across parallel lanes, retries a failure, dead-letters poison, and acks everything', async () => {
    const s = await stream();
    const seen = new Map<string, number[]>();
    let failedOnce = false;
    const deadLetters: DeadLetter[] = [];
    const consumer = new DurableConsumer(
      options(
        s.name,
        async (item) => {
          if (item.key === 'b' && item.n === 3 && !failedOnce) {
            failedOnce = true;
            throw new Error('transient');
          }
          // Uneven work, so lanes finish out of step with one another.
          await new Promise((resolve) => setTimeout(resolve, (item.n * 7) % 5));
          seen.set(item.key, [...(seen.get(item.key) ?? []), item.n]);
        },
        deadLetters,
      ),
    );
    try {
      consumer.start();
      for (let n = 0; n < 20; n++) for (const key of ['a', 'b', 'c']) await s.publish(key, `${key}:${n}`);
      await s.publish('x', 'garbage');
      await waitFor(async () => [...seen.values()].reduce((sum, ns) => sum + ns.length, 0) === 60 && deadLetters.length === 1, 20000, 'every message handled');
      const order = Array.from({ length: 20 }, (_, n) => n);
      // A retried message is redelivered later: the order holds for the messages as delivered.
      expect(Object.fromEntries(seen)).toEqual({ a: order, b: expect.arrayContaining(order), c: order });
      expect(seen.get('b')!.filter((n) => n !== 3)).toEqual(order.filter((n) => n !== 3));
      expect(deadLetters.map((letter) => [letter.kind, letter.reason])).toEqual([['poison', 'not key:n']]);
      await waitFor(async () => (await s.pending()) === 0, 10000, 'nothing left pending or unacked');
    } finally {
      await consumer.stop();
      await s.remove();
    }
  });

  it('drains on stop: the message in hand finishes and is acked, the rest go back and are handled by the next consumer', async () => {
    const s = await stream();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first: number[] = [];
    const deadLetters: DeadLetter[] = [];
    const consumer = new DurableConsumer(
      options(
        s.name,
        async (item) => {
          first.push(item.n);
          await held;
        },
        deadLetters,
      ),
    );
    const after: number[] = [];
    const next = new DurableConsumer(options(s.name, async (item) => void after.push(item.n), deadLetters));
    try {
      for (let n = 0; n < 10; n++) await s.publish('one', `one:${n}`);
      consumer.start();
      await waitFor(async () => first.length === 1, 10000, 'the first message in hand');
      const stopping = consumer.stop();
      release();
      await stopping;
      expect(first).toEqual([0]);
      next.start();
      // At least once: a redelivery may come twice, but every message but the acked first one comes.
      await waitFor(async () => new Set(after).size === 9, 15000, 'the rest handled by the next consumer');
      expect([...new Set(after)].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      await waitFor(async () => (await s.pending()) === 0, 10000, 'nothing left pending or unacked');
      expect(deadLetters).toEqual([]);
    } finally {
      await next.stop();
      await s.remove();
    }
  });
});
