import { TASK_EVENTS_STREAM, TASK_EVENTS_SUBJECT_PREFIX, type TaskEvent } from '#contracts';
import { eventStreamConfig } from '#outbox';

/** tasks-service's outbox table and the stream its relay publishes to. */
export const TASKS_OUTBOX_TABLE = 'outbox';
export const TASK_EVENTS_STREAM_CONFIG = eventStreamConfig(TASK_EVENTS_STREAM, TASK_EVENTS_SUBJECT_PREFIX);

/** Events of one task leave in outbox order (consumers apply an assignment after the task's earlier events). */
export function taskEventOrderingKey(payload: unknown): string | null {
  return (payload as Partial<TaskEvent>).taskId ?? null;
}
