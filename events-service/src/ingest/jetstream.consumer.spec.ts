import { describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import { ServiceMetrics } from '#health';
import type { EventsEnv } from '../config/events.env.js';
import { CONSUMED_STREAMS } from './consumer-config.js';
import type { DeadLettersRepository } from './dead-letters.repository.js';
import { IngestMetrics } from './ingest.metrics.js';
import type { EventIngestService } from './ingest.service.js';
import { JetStreamEventConsumer, laneOf, OrderedLanes } from './jetstream.consumer.js';

Logger.overrideLogger(false);

const tasks = CONSUMED_STREAMS[0]!;
const env = { EVENTS_MAX_DELIVER: 3, SHUTDOWN_GRACE_MS: 1000, NATS_URL: [] } as unknown as EventsEnv;

function message(body: unknown, deliveryCount = 1) {
  const data = new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body));
  const msg = {
    data,
    seq: 42,
    subject: 'tasks.events.updated',
    headers: undefined,
    info: { deliveryCount },
    ack: jest.fn(),
    nak: jest.fn((_delay?: number) => undefined),
    term: jest.fn((_reason?: string) => undefined),
    working: jest.fn(),
  };
  return msg;
}

function validEvent() {
  const owner = randomUUID();
  const taskId = randomUUID();
  const at = '2026-11-25T12:00:00.000Z';
  return {
    eventId: randomUUID(), type: 'task.created', taskId, actorId: owner, occurredAt: at,
    task: { id: taskId, title: 't', description: '', status: 'todo', priority: 'low', dueDate: null, ownerId: owner, assigneeIds: [], version: 1, createdAt: at, updatedAt: at },
    audience: [owner], requestId: null,
  };
}

function setup(ingestResult: () => Promise<unknown>, parkResult: () => Promise<void> = async () => undefined) {
  const ingest = { ingest: jest.fn((_event: unknown, _publish: unknown) => ingestResult()) };
  const deadLetters = { park: jest.fn((_message: unknown) => parkResult()) };
  const consumer = new JetStreamEventConsumer(env, ingest as unknown as EventIngestService, deadLetters as unknown as DeadLettersRepository, new IngestMetrics(new ServiceMetrics('test')));
  const handle = (msg: ReturnType<typeof message>) => (consumer as unknown as { handle(s: typeof tasks, m: JsMsg): Promise<void> }).handle(tasks, msg as unknown as JsMsg);
  return { ingest, deadLetters, handle };
}

describe('JetStreamEventConsumer.handle', () => {
  it('acks an event once it is applied', async () => {
    const { handle, ingest } = setup(async () => ({ logged: true, notified: 0 }));
    const msg = message(validEvent());
    await handle(msg);
    expect(ingest.ingest).toHaveBeenCalledTimes(1);
    expect(msg.ack).toHaveBeenCalledTimes(1);
    expect(msg.nak).not.toHaveBeenCalled();
  });

  it('parks and terminates poison at once, without trying to apply it', async () => {
    const { handle, ingest, deadLetters } = setup(async () => ({}));
    const msg = message('{nope');
    await handle(msg);
    expect(ingest.ingest).not.toHaveBeenCalled();
    expect(deadLetters.park).toHaveBeenCalledWith(expect.objectContaining({ kind: 'poison', reason: 'not valid JSON', streamSequence: 42, stream: 'TASK_EVENTS' }));
    expect(msg.term).toHaveBeenCalledTimes(1);
    expect(msg.ack).not.toHaveBeenCalled();
  });

  it('naks a failed event with the back-off delay while deliveries remain', async () => {
    const { handle, deadLetters } = setup(async () => {
      throw new Error('MongoDB unavailable');
    });
    const first = message(validEvent(), 1);
    await handle(first);
    expect(first.nak).toHaveBeenCalledWith(1000);
    const second = message(validEvent(), 2);
    await handle(second);
    expect(second.nak).toHaveBeenCalledWith(5000);
    expect(deadLetters.park).not.toHaveBeenCalled();
  });

  it('parks the last allowed delivery of a failing event', async () => {
    const { handle, deadLetters } = setup(async () => {
      throw new Error('MongoDB unavailable');
    });
    const msg = message(validEvent(), 3);
    await handle(msg);
    expect(deadLetters.park).toHaveBeenCalledWith(expect.objectContaining({ kind: 'max_deliver', deliveryCount: 3, reason: expect.stringMatching(/MongoDB unavailable/) }));
    expect(msg.term).toHaveBeenCalledTimes(1);
    expect(msg.nak).not.toHaveBeenCalled();
  });

  it('retries parking later when MongoDB cannot take the dead letter either', async () => {
    const { handle } = setup(async () => ({}), async () => {
      throw new Error('MongoDB unavailable');
    });
    const msg = message('{nope', 1);
    await handle(msg);
    expect(msg.nak).toHaveBeenCalledWith(1000);
    expect(msg.term).not.toHaveBeenCalled();
  });
});

describe('OrderedLanes', () => {
  const deferred = () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  };

  const flush = () => new Promise((resolve) => setImmediate(resolve));

  it('runs one lane in order', async () => {
    const lanes = new OrderedLanes(10);
    const log: string[] = [];
    const gate = deferred();
    await lanes.run('a', async () => {
      log.push('a1 start');
      await gate.promise;
      log.push('a1 end');
    });
    await lanes.run('a', async () => {
      log.push('a2');
    });
    await flush();
    expect(log).toEqual(['a1 start']);
    gate.resolve();
    await lanes.idle();
    expect(log).toEqual(['a1 start', 'a1 end', 'a2']);
  });

  it('runs different lanes side by side, and makes the caller wait at the limit', async () => {
    const lanes = new OrderedLanes(2);
    const log: string[] = [];
    const gates = [deferred(), deferred()];
    await lanes.run('a', async () => {
      log.push('a');
      await gates[0]!.promise;
    });
    let roomForMore = false;
    const second = lanes.run('b', async () => {
      log.push('b');
      await gates[1]!.promise;
    }).then(() => (roomForMore = true));
    await flush();
    expect(log).toEqual(['a', 'b']);
    expect(roomForMore).toBe(false);
    gates[0]!.resolve();
    await second;
    expect(roomForMore).toBe(true);
    gates[1]!.resolve();
    await lanes.idle();
  });

  it('keeps going after a failing task in a lane', async () => {
    const lanes = new OrderedLanes(4);
    const done: number[] = [];
    await lanes.run('x', async () => {
      throw new Error('boom');
    });
    await lanes.run('x', async () => {
      done.push(2);
    });
    await lanes.idle();
    expect(done).toEqual([2]);
  });
});

describe('laneOf', () => {
  const msg = (value: unknown) => ({ data: new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value)) });
  it('keys task events by task, auth events by user, and anything else together', () => {
    expect(laneOf(msg({ taskId: 't1', userId: 'u1' }))).toBe('task:t1');
    expect(laneOf(msg({ userId: 'u1' }))).toBe('user:u1');
    expect(laneOf(msg('not json'))).toBe('other');
  });
});
