import { TASK_CHANGEABLE_FIELDS, type FieldChange, type TaskChangeableField, type TaskDto, type TaskEvent, type UpdateTaskBody } from '#contracts';

import { nullNotAllowed } from './tasks.errors.js';

export type TaskFields = Pick<TaskDto, TaskChangeableField>;
export type TaskChanges = NonNullable<TaskEvent['changes']>;

/** ISO 8601 in, canonical `toISOString()` out, so equal instants compare equal. */
export const normalizeDate = (value: string | null): string | null => (value === null ? null : new Date(value).toISOString());

/** The fields the request sets (present, even if unchanged), with dates made canonical. */
export function requestedFields(body: UpdateTaskBody): Partial<TaskFields> {
  const requested: Partial<TaskFields> = {};
  // PartialType's IsOptional lets null through validation; only dueDate may be cleared.
  const nulled = TASK_CHANGEABLE_FIELDS.filter((field) => field !== 'dueDate' && body[field] === null);
  if (nulled.length > 0) throw nullNotAllowed(nulled);
  for (const field of TASK_CHANGEABLE_FIELDS) {
    const value = body[field];
    if (value === undefined) continue;
    (requested as Record<string, unknown>)[field] = field === 'dueDate' ? normalizeDate(value as string | null) : value;
  }
  return requested;
}

/** Only the fields whose value really changes: field → {from, to}. */
export function diffFields(current: TaskFields, requested: Partial<TaskFields>): TaskChanges {
  const changes: TaskChanges = {};
  for (const field of TASK_CHANGEABLE_FIELDS) {
    if (!(field in requested)) continue;
    const to = requested[field];
    if (to === undefined || to === current[field]) continue;
    changes[field] = { from: current[field], to } satisfies FieldChange;
  }
  return changes;
}

export const hasChanges = (changes: TaskChanges) => Object.keys(changes).length > 0;
