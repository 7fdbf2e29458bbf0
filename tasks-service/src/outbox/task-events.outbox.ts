import { TASK_EVENTS_STREAM, TASK_EVENTS_STREAM_SUBJECTS, TASK_EVENTS_SUBJECT_PREFIX, type ProjectEvent, type TaskEvent } from '#contracts';
import { eventStreamConfig } from '#outbox';

/** tasks-service's outbox table and the stream its relay publishes to. */
export const TASKS_OUTBOX_TABLE = 'outbox';

/** Task and project events share one stream; the relay keeps the order of each task's and each project's events. */
export const TASK_EVENTS_STREAM_CONFIG = { ...eventStreamConfig(TASK_EVENTS_STREAM, TASK_EVENTS_SUBJECT_PREFIX), subjects: [...TASK_EVENTS_STREAM_SUBJECTS] };

/**
 * Events of one task leave in outbox order (consumers apply an assignment after the task's
 * earlier events); so do the events of one project (a member added before their role changes).
 */
export function taskEventOrderingKey(payload: unknown): string | null {
  const event = payload as Partial<TaskEvent> & Partial<Pick<ProjectEvent, 'projectId'>>;
  if (event.taskId) return event.taskId;
  return event.projectId ? `project:${event.projectId}` : null;
}
