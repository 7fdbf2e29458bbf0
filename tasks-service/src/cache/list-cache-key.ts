import { createHash } from 'node:crypto';
import type { Actor } from '#contracts';
import type { NormalizedListQuery } from '../tasks/list-query.js';

export const GLOBAL_GENERATION_KEY = 'tasks:gen:all';
/** Bumped after an outage by a replica that could not bump the generations (TaskListCache). */
export const CACHE_EPOCH_KEY = 'tasks:gen:epoch';
export const userGenerationKey = (userId: string) => `tasks:gen:user:${userId}`;

/**
 * Which generation counter guards a reader's lists: an admin sees every task, so any write
 * makes their lists stale (the global counter); a member sees their own and assigned tasks,
 * so only writes touching them count (their own counter).
 */
export function generationKeyFor(actor: Actor): string {
  return actor.role === 'admin' ? GLOBAL_GENERATION_KEY : userGenerationKey(actor.id);
}

/** Stable text of a normalized query: same meaning, same key. */
export function canonicalQuery(query: NormalizedListQuery): string {
  return JSON.stringify(
    Object.keys(query)
      .sort()
      .filter((key) => query[key as keyof NormalizedListQuery] !== undefined)
      .map((key) => [key, query[key as keyof NormalizedListQuery]]),
  );
}

/** `tasks:list:<role-scope>:<userId>:<epoch>.<generation>:<sha1 of the normalized query>`. */
export function listCacheKey(actor: Actor, generation: string, query: NormalizedListQuery): string {
  const digest = createHash('sha1').update(canonicalQuery(query)).digest('hex');
  return `tasks:list:${actor.role}:${actor.id}:${generation}:${digest}`;
}
