// A rolling restart of a three-node NATS cluster under load (issue 17), as an orchestrator does
// it: each node in turn is stopped (SIGTERM), started again and caught up before the next. With
// every service given all three URLs and EVENT_STREAM_REPLICAS=3, no create fails beyond its
// retries, and every task is in PostgreSQL, the stream, the event log and at its owner's socket
// exactly once.
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { TASK_EVENTS_STREAM } from '#contracts';
import { closeClusterFixture, CreateLoad, deliveryOf, expectEveryCreateOnceEverywhere, failureWindow, startClusterFixture, type ClusterFixture } from './factories/cluster-load.js';

let fixture: ClusterFixture;

beforeAll(async () => {
  fixture = await startClusterFixture();
}, 90_000);
afterAll(() => closeClusterFixture(fixture));

describe('a rolling restart of all three NATS nodes under load', () => {
  it('fails no create beyond its retries, and loses and duplicates no task', async () => {
    const { cluster } = fixture;
    const since = new Date(Date.now() - 1000);
    const load = new CreateLoad(fixture, 4);
    load.start();
    const restarts: { node: string; at: number }[] = [];
    try {
      await load.progress(15, 'before the restarts');
      for (const node of cluster.nodes) {
        restarts.push({ node: node.name, at: Date.now() });
        await cluster.stop(node);
        await cluster.restart(node);
        await cluster.waitForStreamCurrent(TASK_EVENTS_STREAM);
        await load.progress(10, `after restarting ${node.name}`);
      }
    } finally {
      await load.stop();
    }

    const windows = restarts.map((restart, i) => ({ ...restart, ...failureWindow(load, restart.at, restarts[i + 1]?.at) }));
    const delivery = await deliveryOf(fixture, load, since);
    console.log(
      [
        `[nats-rolling-restart] ${load.creates.length} creates by 4 writers, ${load.failedAttempts().length} failed attempts (all retried with their Idempotency-Key)`,
        ...windows.map((w) => `  restart ${w.node}: ${w.failed} failed attempts, the last sent ${w.sentMs} ms after the stop and answered at +${w.answeredMs} ms`),
        `  outbox drained ${delivery.outboxDrainedMs} ms after the load stopped`,
      ].join('\n'),
    );

    expectEveryCreateOnceEverywhere(load, delivery);
  }, 150_000);
});
