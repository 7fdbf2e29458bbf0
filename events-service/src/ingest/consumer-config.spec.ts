import { describe, expect, it } from '@jest/globals';
import { AckPolicy } from '@nats-io/jetstream';
import { ackWaitMs, backoffSchedule, CONSUMED_STREAMS, consumerConfig, retryDelayMs } from './consumer-config.js';

const ms = (n: number) => n * 1_000_000;

describe('consumer config', () => {
  it('uses the full back-off with the default max deliver of 5', () => {
    expect(backoffSchedule(5)).toEqual([10000, 15000, 30000, 30000]);
    expect(consumerConfig(CONSUMED_STREAMS[0]!, 5)).toMatchObject({
      durable_name: 'events-service',
      ack_policy: AckPolicy.Explicit,
      max_deliver: 5,
      ack_wait: ms(10000),
      backoff: [ms(10000), ms(15000), ms(30000), ms(30000)],
    });
  });

  it('reads the whole task stream (task and project events), and only auth events from the auth stream', () => {
    expect(consumerConfig(CONSUMED_STREAMS[0]!, 5)).not.toHaveProperty('filter_subject');
    expect(consumerConfig(CONSUMED_STREAMS[1]!, 5)).toMatchObject({ filter_subject: 'auth.events.>' });
  });

  it('keeps the back-off shorter than max deliver, as NATS requires', () => {
    expect(backoffSchedule(3)).toEqual([10000, 15000]);
    expect(backoffSchedule(1)).toEqual([]);
    expect(consumerConfig(CONSUMED_STREAMS[1]!, 1)).not.toHaveProperty('backoff');
    expect(ackWaitMs(1)).toBe(30000);
  });

  it('waits longer after each failed delivery, capped', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => retryDelayMs(n, 5))).toEqual([1000, 5000, 15000, 30000, 30000, 30000]);
    expect(retryDelayMs(2, 2)).toBe(1000);
  });
});
