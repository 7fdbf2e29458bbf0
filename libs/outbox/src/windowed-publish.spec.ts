import { describe, expect, it } from '@jest/globals';
import { publishWindowed, type PendingPublish } from './windowed-publish.js';

/** A publish whose ack the test resolves or rejects by hand, recording when it was sent. */
function manual(sent: number[], id: number) {
  let settle!: { ack: () => void; fail: (error: Error) => void };
  const publish = () => {
    sent.push(id);
    return new Promise<void>((resolve, reject) => {
      settle = { ack: resolve, fail: reject };
    });
  };
  return { publish, settle: () => settle };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('publishWindowed', () => {
  it('sends rows of different keys before any ack, never more than the window at once', async () => {
    const sent: number[] = [];
    const rows = [1, 2, 3].map((id) => ({ id, orderingKey: `task-${id}`, ...manual(sent, id) }));
    const done = publishWindowed<number>(rows, 2);
    await flush();
    expect(sent).toEqual([1, 2]);
    rows[0]!.settle().ack();
    await flush();
    expect(sent).toEqual([1, 2, 3]);
    rows[1]!.settle().ack();
    rows[2]!.settle().ack();
    expect((await done).published.sort()).toEqual([1, 2, 3]);
  });

  it('sends a row only after the previous row of its key was acked', async () => {
    const sent: number[] = [];
    const rows = [
      { id: 1, orderingKey: 'a', ...manual(sent, 1) },
      { id: 2, orderingKey: 'b', ...manual(sent, 2) },
      { id: 3, orderingKey: 'a', ...manual(sent, 3) },
    ];
    const done = publishWindowed<number>(rows, 10);
    await flush();
    expect(sent).toEqual([1, 2]);
    rows[0]!.settle().ack();
    await flush();
    expect(sent).toEqual([1, 2, 3]);
    rows[1]!.settle().ack();
    rows[2]!.settle().ack();
    expect(await done).toEqual({ published: [1, 2, 3], failed: [], held: [] });
  });

  it('holds the later rows of a failed key back and goes on with other keys', async () => {
    const error = new Error('timeout');
    const rows: PendingPublish<number>[] = [
      { id: 1, orderingKey: 'a', publish: () => Promise.reject(error) },
      { id: 2, orderingKey: 'b', publish: () => Promise.resolve() },
      { id: 3, orderingKey: 'a', publish: () => Promise.resolve() },
      { id: 4, orderingKey: null, publish: () => Promise.resolve() },
    ];
    const result = await publishWindowed(rows, 10);
    expect(result.published.sort()).toEqual([2, 4]);
    expect(result.failed).toEqual([{ id: 1, error }]);
    expect(result.held).toEqual([3]);
  });
});
