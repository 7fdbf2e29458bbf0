import type { Connection } from 'mongoose';

interface IndexInfo {
  name: string;
  key: Record<string, unknown>;
  expireAfterSeconds?: number;
}

export interface TtlIndexSpec {
  name: string;
  field: string;
  expireAfterSeconds: number;
}

const NAMESPACE_NOT_FOUND = 26;

/**
 * Creates the TTL index, or changes its expiry when the retention setting changed.
 * createIndex with a different expireAfterSeconds fails on MongoDB (IndexOptionsConflict),
 * so a changed retention is applied with collMod instead.
 */
export async function ensureTtlIndex(connection: Connection, collectionName: string, spec: TtlIndexSpec): Promise<'created' | 'updated' | 'unchanged'> {
  const db = connection.db;
  if (!db) throw new Error('MongoDB connection is not open');
  const collection = db.collection(collectionName);
  let indexes: IndexInfo[] = [];
  try {
    indexes = (await collection.listIndexes().toArray()) as IndexInfo[];
  } catch (error) {
    if ((error as { code?: number }).code !== NAMESPACE_NOT_FOUND) throw error;
  }
  const existing = indexes.find((index) => Object.keys(index.key).length === 1 && index.key[spec.field] === 1);
  if (!existing) {
    await collection.createIndex({ [spec.field]: 1 }, { name: spec.name, expireAfterSeconds: spec.expireAfterSeconds });
    return 'created';
  }
  if (existing.expireAfterSeconds === spec.expireAfterSeconds) return 'unchanged';
  await db.command({ collMod: collectionName, index: { name: existing.name, expireAfterSeconds: spec.expireAfterSeconds } });
  return 'updated';
}
