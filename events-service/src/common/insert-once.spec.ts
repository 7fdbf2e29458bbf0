import { describe, expect, it } from '@jest/globals';
import type { Collection } from 'mongoose';
import { insertOncePerKey, isDuplicateKey } from './insert-once.js';

type Doc = { _id?: string; key: string };

/**
 * A collection with a unique `key`: `atomic` refuses the whole insertMany on one duplicate
 * (jongodb), otherwise it stores the others and reports the duplicates (MongoDB, unordered).
 */
function fakeCollection(existing: Doc[], atomic: boolean) {
  const stored = new Map(existing.map((doc) => [doc.key, doc]));
  let inserts = 0;
  const collection = {
    async insertMany(docs: Doc[]) {
      inserts += 1;
      docs.forEach((doc, i) => (doc._id ??= `new-${inserts}-${i}`));
      const duplicates = docs.filter((doc) => stored.has(doc.key));
      if (duplicates.length > 0 && atomic) throw Object.assign(new Error('E11000'), { code: 11000 });
      for (const doc of docs) if (!stored.has(doc.key)) stored.set(doc.key, { ...doc });
      if (duplicates.length > 0) throw Object.assign(new Error('bulk'), { writeErrors: duplicates.map(() => ({ code: 11000 })) });
    },
    find(filter: { key: { $in: string[] } }) {
      return { toArray: async () => filter.key.$in.flatMap((key) => (stored.has(key) ? [stored.get(key)!] : [])) };
    },
  };
  return { collection: collection as unknown as Collection, stored, inserts: () => inserts };
}

const options = { keyOf: (doc: Doc) => doc.key, filterFor: (docs: Doc[]) => ({ key: { $in: docs.map((doc) => doc.key) } }) };

describe('insertOncePerKey', () => {
  it('stores a batch of new documents in one insert', async () => {
    const { collection, inserts } = fakeCollection([], true);
    expect(await insertOncePerKey(collection, [{ key: 'a' }, { key: 'b' }], options)).toEqual([true, true]);
    expect(inserts()).toBe(1);
  });

  it.each([
    ['refuses the whole command (jongodb)', true],
    ['refuses only the duplicates (MongoDB)', false],
  ])('when the server %s, stores the missing ones once and tells which this call stored', async (_, atomic) => {
    const { collection, stored } = fakeCollection([{ _id: 'old', key: 'b' }], atomic);
    const docs: Doc[] = [{ key: 'a' }, { key: 'b' }, { key: 'c' }];
    expect(await insertOncePerKey(collection, docs, options)).toEqual([true, false, true]);
    expect([...stored.keys()].sort()).toEqual(['a', 'b', 'c']);
    expect(stored.get('b')!._id).toBe('old');
  });

  it('rethrows anything but a duplicate key', async () => {
    const collection = { insertMany: async () => Promise.reject(new Error('down')) } as unknown as Collection;
    await expect(insertOncePerKey(collection, [{ key: 'a' }], options)).rejects.toThrow('down');
    expect(isDuplicateKey({ writeErrors: [{ code: 11000 }, { code: 121 }] })).toBe(false);
  });
});
