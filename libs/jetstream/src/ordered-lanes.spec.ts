import { describe, expect, it, jest } from '@jest/globals';
import { OrderedLanes } from './ordered-lanes.js';

const msg = (id: string) => ({ id, working: jest.fn(), nak: jest.fn((_ms?: number) => undefined) });
type Msg = ReturnType<typeof msg>;

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

/** Lanes whose handler records start and end, and finishes a message only when the test says so. */
function controlled(maxInFlight: number) {
  const events: string[] = [];
  const gates = new Map<string, ReturnType<typeof deferred>>();
  const lanes = new OrderedLanes<Msg>({
    maxInFlight,
    progressEveryMs: 1000,
    maxHoldMs: 5000,
    onError: () => undefined,
    handle: async (m) => {
      events.push(`start ${m.id}`);
      const gate = deferred();
      gates.set(m.id, gate);
      await gate.promise;
      events.push(`end ${m.id}`);
    },
  });
  const finish = async (id: string) => {
    gates.get(id)!.resolve();
    await flush();
  };
  return { lanes, events, finish };
}

describe('OrderedLanes', () => {
  it('handles one key in delivery order, one message at a time, and different keys in parallel', async () => {
    const { lanes, events, finish } = controlled(4);
    lanes.push('task-a', msg('a1'));
    lanes.push('task-a', msg('a2'));
    lanes.push('task-b', msg('b1'));
    await flush();
    expect(events).toEqual(['start a1', 'start b1']);
    await finish('b1');
    await finish('a1');
    expect(events).toEqual(['start a1', 'start b1', 'end b1', 'end a1', 'start a2']);
    await finish('a2');
    await lanes.close();
  });

  it('runs at most maxInFlight keys at once; a waiting key starts when a slot frees', async () => {
    const { lanes, events, finish } = controlled(2);
    for (const id of ['a', 'b', 'c']) lanes.push(id, msg(id));
    await flush();
    expect(events).toEqual(['start a', 'start b']);
    await finish('a');
    expect(events).toEqual(['start a', 'start b', 'end a', 'start c']);
    await finish('b');
    await finish('c');
    await lanes.close();
  });

  it('does not let a busy key hold the slots: after each of its messages it goes to the back of the line', async () => {
    const { lanes, events, finish } = controlled(1);
    lanes.push('busy', msg('x1'));
    lanes.push('busy', msg('x2'));
    lanes.push('other', msg('o1'));
    await flush();
    await finish('x1');
    expect(events.at(-1)).toBe('start o1');
    await finish('o1');
    await finish('x2');
    await lanes.close();
  });

  it('close hands back (nak) what has not started and waits for what is being handled', async () => {
    const { lanes, events, finish } = controlled(1);
    const [a1, a2, b1] = [msg('a1'), msg('a2'), msg('b1')];
    lanes.push('a', a1);
    lanes.push('a', a2);
    lanes.push('b', b1);
    await flush();
    let closed = false;
    const closing = lanes.close().then(() => (closed = true));
    await flush();
    expect(closed).toBe(false);
    expect([a1.nak.mock.calls.length, a2.nak.mock.calls.length, b1.nak.mock.calls.length]).toEqual([0, 1, 1]);
    await finish('a1');
    await closing;
    expect(events).toEqual(['start a1', 'end a1']);
    const late = msg('late');
    lanes.push('c', late);
    expect(late.nak).toHaveBeenCalledTimes(1);
  });

  it('reports every held message in progress, queued or being handled', async () => {
    jest.useFakeTimers();
    try {
      const lanes = new OrderedLanes<Msg>({ maxInFlight: 1, progressEveryMs: 1000, maxHoldMs: 60_000, onError: () => undefined, handle: () => new Promise(() => undefined) });
      const [first, queued] = [msg('1'), msg('2')];
      lanes.push('k', first);
      lanes.push('k', queued);
      jest.advanceTimersByTime(1000);
      expect([first.working.mock.calls.length, queued.working.mock.calls.length]).toEqual([1, 1]);
    } finally {
      jest.useRealTimers();
    }
  });
});
