import { TASK_EVENTS_STREAM, TASK_EVENTS_STREAM_SUBJECTS, TASK_EVENTS_SUBJECT_PREFIX } from '#contracts';
import { eventStreamConfig } from '#outbox';

/** tasks-service's outbox table and the stream its relay publishes to. */
export const TASKS_OUTBOX_TABLE = 'outbox';

/** Task and project events share one stream, so a consumer sees them in the order they were written. */
export const TASK_EVENTS_STREAM_CONFIG = { ...eventStreamConfig(TASK_EVENTS_STREAM, TASK_EVENTS_SUBJECT_PREFIX), subjects: [...TASK_EVENTS_STREAM_SUBJECTS] };
