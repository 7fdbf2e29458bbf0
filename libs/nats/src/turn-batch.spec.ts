import { describe, expect, it } from '@jest/globals';
import { TurnBatch } from './turn-batch.js';

describe('TurnBatch', () => {
  it('starts work queued from separate callbacks of one turn together, in order, after them', async () => {
    const batch = new TurnBatch();
    const log: string[] = [];
    const results = await new Promise<Promise<number>[]>((done) => {
      // Two I/O-like callbacks of the same turn, each followed by its microtasks.
      const promises: Promise<number>[] = [];
      setImmediate(() => undefined); // a turn boundary marker
      process.nextTick(() => {
        promises.push(batch.run(() => (log.push('a'), 1)));
        log.push('after a queued');
      });
      process.nextTick(() => {
        promises.push(batch.run(async () => (log.push('b'), 2)));
        log.push('after b queued');
        done(promises);
      });
    });
    expect(await Promise.all(results)).toEqual([1, 2]);
    expect(log).toEqual(['after a queued', 'after b queued', 'a', 'b']);
  });

  it('rejects with what the work threw, without affecting the rest of the batch', async () => {
    const batch = new TurnBatch();
    const failing = batch.run(() => {
      throw new Error('boom');
    });
    const fine = batch.run(() => 'ok');
    await expect(failing).rejects.toThrow('boom');
    await expect(fine).resolves.toBe('ok');
  });
});
