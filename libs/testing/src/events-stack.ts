import { AUTH_EVENTS_STREAM, TASK_EVENTS_STREAM } from '#contracts';
import { waitForConsumerDrained } from './events.js';
import { connectAs } from './nats.js';
import { startStack, type Stack } from './stack.js';

/**
 * A gateway with auth-, tasks- and events-service, once events-service has logged what earlier
 * suites left in the streams: the suite's waits then time only its own events.
 */
export async function startEventsStack(): Promise<Stack> {
  const stack = await startStack({}, ['auth-service', 'tasks-service', 'events-service']);
  try {
    const nc = await connectAs('test-admin', { servers: stack.env.NATS_URL! });
    try {
      for (const stream of [TASK_EVENTS_STREAM, AUTH_EVENTS_STREAM]) await waitForConsumerDrained(nc, stream, 'events-service');
    } finally {
      await nc.close();
    }
  } catch (error) {
    await stack.close();
    throw error;
  }
  return stack;
}
