import { PoisonMessageError } from '#jetstream';
import { AuthEventContract, EventSchemaError, TaskStreamContract, type AuthEvent, type CommentEvent, type ProjectEvent, type TaskEvent } from '#contracts';

/**
 * Which stream a message came from decides which shape it must have; the task stream also
 * carries project and comment events (told apart by `type`).
 */
export type EventSource = 'task' | 'auth';

/** Comment events travel in the task stream as task events of their own types (`task.commented`, ...). */
export type ParsedEvent = { source: 'task'; event: TaskEvent | CommentEvent } | { source: 'project'; event: ProjectEvent } | { source: 'auth'; event: AuthEvent };

/** Parses one JetStream message body with its contract (libs/contracts); anything else is poison, parked with the contract's reason. */
export function parseEvent(source: EventSource, data: Uint8Array): ParsedEvent {
  try {
    if (source === 'auth') return { source: 'auth', event: AuthEventContract.decode(data) };
    const parsed = TaskStreamContract.decode(data);
    return parsed.kind === 'project' ? { source: 'project', event: parsed.event } : { source: 'task', event: parsed.event };
  } catch (error) {
    if (error instanceof EventSchemaError) throw new PoisonMessageError(error.reason);
    throw error;
  }
}
