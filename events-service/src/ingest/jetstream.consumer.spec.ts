import { describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import { ServiceMetrics } from '#health';
import { MessagePipeline, type DurableConsumerOptions } from '#jetstream';
import type { EventsEnv } from '../config/events.env.js';
import { CONSUMED_STREAMS } from './consumer-config.js';
import type { DeadLettersRepository } from './dead-letters.repository.js';
import type { ParsedEvent } from './parse-event.js';
import { IngestMetrics } from './ingest.metrics.js';
import type { EventIngestService } from './ingest.service.js';
import { JetStreamEventConsumer } from './jetstream.consumer.js';

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
  const ingest = { ingestBatch: jest.fn((_events: unknown[], _publish: unknown) => ingestResult()) };
  const deadLetters = { park: jest.fn((_message: unknown) => parkResult()) };
  const consumer = new JetStreamEventConsumer(env, ingest as unknown as EventIngestService, deadLetters as unknown as DeadLettersRepository, new IngestMetrics(new ServiceMetrics('test')));
  const options = (consumer as unknown as { consumerOptions(s: typeof tasks): DurableConsumerOptions<ParsedEvent> }).consumerOptions(tasks);
  /** The messages arrive together (one batch); close() waits for that batch to be settled. */
  const handleBatch = async (msgs: ReturnType<typeof message>[]) => {
    const dispatcher = new MessagePipeline(options, new Logger('test'), true).open();
    for (const msg of msgs) dispatcher.push(msg as unknown as JsMsg);
    await new Promise((resolve) => setImmediate(resolve));
    await dispatcher.close();
  };
  const handle = (msg: ReturnType<typeof message>) => handleBatch([msg]);
  return { ingest, deadLetters, handle, handleBatch };
}

describe('JetStreamEventConsumer: a batch through its consumer options', () => {
  it('acks an event once it is applied', async () => {
    const { handle, ingest } = setup(async () => [{ logged: true, notified: 0 }]);
    const msg = message(validEvent());
    await handle(msg);
    expect(ingest.ingestBatch).toHaveBeenCalledTimes(1);
    expect(msg.ack).toHaveBeenCalledTimes(1);
    expect(msg.nak).not.toHaveBeenCalled();
  });

  it('parks and terminates poison at once, without trying to apply it', async () => {
    const { handle, ingest, deadLetters } = setup(async () => ({}));
    const msg = message('{nope');
    await handle(msg);
    expect(ingest.ingestBatch).not.toHaveBeenCalled();
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

  it('applies a batch in one call and acks every message; poison in it is parked on its own', async () => {
    const { handleBatch, ingest, deadLetters } = setup(async () => []);
    const msgs = [message(validEvent()), message('{nope'), message(validEvent())];
    await handleBatch(msgs);
    expect(ingest.ingestBatch).toHaveBeenCalledTimes(1);
    expect(ingest.ingestBatch.mock.calls[0]![0]).toHaveLength(2);
    expect(deadLetters.park).toHaveBeenCalledTimes(1);
    expect([msgs[0]!.ack, msgs[2]!.ack].map((ack) => ack.mock.calls.length)).toEqual([1, 1]);
    expect(msgs[1]!.term).toHaveBeenCalledTimes(1);
  });

  it('when a batch fails, applies its events one by one so only the failing one is retried', async () => {
    const bad = validEvent();
    const { handleBatch, ingest } = setup(async () => []);
    ingest.ingestBatch.mockImplementation(async (events: unknown[]) => {
      if (events.some((e) => (e as { event: { eventId: string } }).event.eventId === bad.eventId)) throw new Error('write refused');
      return [];
    });
    const msgs = [message(validEvent()), message(bad), message(validEvent())];
    await handleBatch(msgs);
    expect(ingest.ingestBatch).toHaveBeenCalledTimes(4);
    expect(msgs.map((m) => m.ack.mock.calls.length)).toEqual([1, 0, 1]);
    expect(msgs[1]!.nak).toHaveBeenCalledWith(1000);
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
