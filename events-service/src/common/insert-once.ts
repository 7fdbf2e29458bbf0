import type { Collection } from 'mongoose';

interface Keyed {
  _id?: unknown;
}

export interface InsertOnceOptions<T> {
  /** The document's unique key (the value of its unique index), as a string. */
  keyOf: (doc: T) => string;
  /** A filter matching the stored documents of these keys. */
  filterFor: (docs: T[]) => Record<string, unknown>;
}

const MAX_ATTEMPTS = 3;

/**
 * Inserts documents that may already be stored (a redelivery, another replica), once per
 * unique key, in one insertMany: no upserts. Returns, per document, whether this call stored
 * it. Upserts cost a query each, and the in-memory stand-in (jongodb) runs each one as a scan
 * of the whole collection; an insertMany is one command, and a duplicate is the unique index's
 * job. On a duplicate, the keys now stored are read back (their `_id` says whether it is ours),
 * and the rest inserted again: real MongoDB (unordered) stores the others of the batch, jongodb
 * refuses the whole command.
 */
export async function insertOncePerKey<T extends Keyed>(collection: Collection, docs: T[], options: InsertOnceOptions<T>): Promise<boolean[]> {
  if (docs.length === 0) return [];
  let pending = docs;
  let sawDuplicate = false;
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    try {
      // The driver gives each document an _id (an ObjectId) unless it has one.
      await collection.insertMany(pending as never[], { ordered: false });
      if (!sawDuplicate) return docs.map(() => true);
      break;
    } catch (error) {
      if (!isDuplicateKey(error) || attempt >= MAX_ATTEMPTS) throw error;
      sawDuplicate = true;
      const stored = await storedIds(collection, pending, options);
      pending = pending.filter((doc) => !stored.has(options.keyOf(doc)));
    }
  }
  const stored = await storedIds(collection, docs, options);
  return docs.map((doc) => stored.get(options.keyOf(doc)) === String(doc._id));
}

async function storedIds<T>(collection: Collection, docs: T[], options: InsertOnceOptions<T>): Promise<Map<string, string>> {
  const rows = await collection.find(options.filterFor(docs)).toArray();
  return new Map(rows.map((row) => [options.keyOf(row as unknown as T), String(row._id)]));
}

export function isDuplicateKey(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, writeErrors } = error as { code?: unknown; writeErrors?: { code?: unknown }[] };
  if (code === 11000) return true;
  return Array.isArray(writeErrors) && writeErrors.length > 0 && writeErrors.every((writeError) => writeError.code === 11000);
}
