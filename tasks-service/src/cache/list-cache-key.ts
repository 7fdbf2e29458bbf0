import { createHash } from 'node:crypto';
import type { Actor } from '#contracts';
import type { NormalizedListQuery } from '../tasks/list-query.js';

export const GLOBAL_GENERATION_KEY = 'tasks:gen:all';
/** Bumped after an outage by a replica that could not bump the generations (TaskListCache). */
export const CACHE_EPOCH_KEY = 'tasks:gen:epoch';
export const userGenerationKey = (userId: string) => `tasks:gen:user:${userId}`;
/** Bumped by every change to a task of the project: every member's lists go stale with one INCR. */
export const projectGenerationKey = (projectId: string) => `tasks:gen:project:${projectId}`;

/**
 * Which generation counter guards a reader's lists: an admin sees every task, so any write
 * makes their lists stale (the global counter); a member sees their own and assigned tasks,
 * so only writes touching them count (their own counter), plus the tasks of their projects
 * (each project's counter: see generationKeysFor).
 */
export function generationKeyFor(actor: Actor): string {
  return actor.role === 'admin' ? GLOBAL_GENERATION_KEY : userGenerationKey(actor.id);
}

/** Every counter a reader's lists depend on: the reader's own, then one per project they are in. */
export function generationKeysFor(actor: Actor, projectIds: readonly string[]): string[] {
  return actor.role === 'admin' ? [GLOBAL_GENERATION_KEY] : [userGenerationKey(actor.id), ...projectIds.map(projectGenerationKey)];
}

/**
 * One text for a set of counter values: the reader's own alone when they are in no project,
 * else with a digest of the project counters (a membership change changes the set, too).
 */
export function combinedGeneration(values: readonly string[], projectIds: readonly string[]): string {
  const [own, ...projects] = values;
  if (projects.length === 0) return own!;
  const digest = createHash('sha1').update(projectIds.map((id, i) => `${id}=${projects[i]}`).join(',')).digest('hex').slice(0, 16);
  return `${own}.${digest}`;
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
