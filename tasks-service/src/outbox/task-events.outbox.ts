import { TASK_EVENTS_STREAM, TASK_EVENTS_SUBJECT_PREFIX } from '#contracts';
import { eventStreamConfig } from '#outbox';

/** tasks-service's outbox table and the stream its relay publishes to. */
export const TASKS_OUTBOX_TABLE = 'outbox';
export const TASK_EVENTS_STREAM_CONFIG = eventStreamConfig(TASK_EVENTS_STREAM, TASK_EVENTS_SUBJECT_PREFIX);
