import { randomUUID } from 'node:crypto';
import { JetStreamApiCodes, JetStreamApiError, RetentionPolicy, StorageType, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { nanos, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { io, type Socket } from 'socket.io-client';
import { AccessTokenVerifier } from '#auth';
import { DEVELOPMENT_SIGNING_KEY, publicHalf } from '#config';
import {
  REALTIME_NAMESPACE,
  REALTIME_PATH,
  TASK_EVENTS_STREAM,
  TASK_EVENTS_STREAM_SUBJECTS,
  TasksContract,
  taskEventSubject,
  type Actor,
  type ClientToServerEvents,
  type Role,
  type ServerToClientEvents,
  type TaskDto,
  type TaskEvent,
} from '#contracts';
import { ACCESS_TOKEN_HEADER } from '#nats';

export type RealtimeClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A client on namespace /tasks (websocket transport, no reconnection, so a test sees each
 * refusal and disconnect as it happens). `auth` undefined sends no auth at all.
 */
export function realtimeClient(baseUrl: string, token: string | undefined, options: { origin?: string } = {}): RealtimeClient {
  return io(`${baseUrl}${REALTIME_NAMESPACE}`, {
    path: REALTIME_PATH,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: token === undefined ? {} : { token },
    extraHeaders: options.origin ? { origin: options.origin } : undefined,
  });
}

/** Resolves once connected; rejects with the server's `connect_error` message. */
export function connected(socket: RealtimeClient, timeoutMs = 5000): Promise<RealtimeClient> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve(socket);
    const timer = setTimeout(() => reject(new Error('connect timed out')), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** The `connect_error` message a refused handshake gets. */
export function connectError(socket: RealtimeClient, timeoutMs = 5000): Promise<string> {
  return connected(socket, timeoutMs).then(
    () => {
      throw new Error('connected, expected a refusal');
    },
    (error: Error) => error.message,
  );
}

/** Every server → client event a socket receives, in order, with waits on them. */
export class EventLog {
  readonly events: { name: string; payload: unknown }[] = [];
  private waiters: (() => void)[] = [];

  constructor(readonly socket: RealtimeClient) {
    socket.onAny((name: string, payload: unknown) => {
      this.events.push({ name, payload });
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on('disconnect', (reason) => {
      this.events.push({ name: 'disconnect', payload: reason });
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  matching(name: string, predicate: (payload: any) => boolean = () => true): unknown[] {
    return this.events.filter((event) => event.name === name && predicate(event.payload)).map((event) => event.payload);
  }

  /** Resolves with the first matching event (already received or to come). */
  waitFor(name: string, predicate: (payload: any) => boolean = () => true, timeoutMs = 5000): Promise<any> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.find((event) => event.name === name && predicate(event.payload));
        if (found) {
          clearTimeout(timer);
          resolve(found.payload);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => reject(new Error(`no ${name} within ${timeoutMs} ms (got: ${this.events.map((e) => e.name).join(', ') || 'nothing'})`)), timeoutMs);
      if (check()) return;
      const wait = () => {
        if (!check()) this.waiters.push(wait);
      };
      this.waiters.push(wait);
    });
  }
}

/** Creates the task-event stream as docs/events.md describes it, if tasks-service has not yet. */
export async function ensureTaskEventsStream(jsm: JetStreamManager): Promise<void> {
  try {
    await jsm.streams.info(TASK_EVENTS_STREAM);
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound) throw error;
    await jsm.streams
      .add({
        name: TASK_EVENTS_STREAM,
        subjects: [...TASK_EVENTS_STREAM_SUBJECTS],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        max_age: nanos(7 * 86_400_000),
        duplicate_window: nanos(2 * 60_000),
      })
      .catch(async (addError: unknown) => {
        // Created by someone else meanwhile.
        await jsm.streams.info(TASK_EVENTS_STREAM).catch(() => {
          throw addError;
        });
      });
  }
}

/** A well-formed task event; `audience` defaults to the owner. */
export function makeTaskEvent(overrides: Partial<Omit<TaskEvent, 'task'>> & { task?: Partial<TaskDto> } = {}): TaskEvent {
  const taskId = overrides.taskId ?? overrides.task?.id ?? randomUUID();
  const ownerId = overrides.task?.ownerId ?? randomUUID();
  const now = new Date().toISOString();
  const task: TaskDto = {
    id: taskId,
    title: 'A task',
    description: '',
    status: 'todo',
    priority: 'medium',
    dueDate: null,
    ownerId,
    assigneeIds: [],
    projectId: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
    ...overrides.task,
  };
  return {
    eventId: randomUUID(),
    type: 'task.created',
    actorId: ownerId,
    occurredAt: now,
    requestId: null,
    audience: [ownerId],
    ...overrides,
    taskId,
    task,
  };
}

/** Publishes as tasks-service's relay does: subject by type, the eventId as message id. */
export async function publishTaskEvent(js: JetStreamClient, event: TaskEvent): Promise<void> {
  await js.publish(taskEventSubject(event.type), JSON.stringify(event), { msgID: event.eventId });
}

/**
 * Stands in for tasks-service on NATS: answers `tasks.get` (and `tasks.collaborators`) in
 * Nest's reply format, from the rules the test gives it, for the caller its token names
 * (verified with the development keys, as the real service does; no token: UNAUTHORIZED).
 */
export function fakeTasksResponder(
  nc: NatsConnection,
  rules: {
    /** The task the actor may see, or undefined (NOT_FOUND). */
    get: (actor: { id: string; role: Role }, taskId: string) => TaskDto | undefined;
    /** Ids sharing a task with the actor, or undefined to answer an error as a service that lacks it would. */
    collaborators?: (actor: { id: string; role: Role }) => string[] | undefined;
  },
): Subscription[] {
  const verifier = new AccessTokenVerifier({ publicKeys: [publicHalf(DEVELOPMENT_SIGNING_KEY)], ttlSeconds: 900 });
  const reply = (subject: string, answer: (caller: Actor, data: any) => { response: unknown } | { err: unknown }) =>
    nc.subscribe(subject, {
      queue: 'tasks-service',
      callback: (_error, message) => {
        const packet = message.json<{ id: string; data: any }>();
        const caller = verifier.verify(message.headers?.get(ACCESS_TOKEN_HEADER) ?? '');
        const outcome = caller ? answer(caller, packet.data) : { err: { code: 'UNAUTHORIZED', message: 'Missing access token' } };
        message.respond(JSON.stringify({ ...outcome, isDisposed: true, id: packet.id }));
      },
    });
  return [
    reply(TasksContract.get.subject, (caller, data) => {
      const task = rules.get(caller, data.taskId);
      return task ? { response: task } : { err: { code: 'NOT_FOUND', message: 'Task not found' } };
    }),
    reply(TasksContract.collaborators.subject, (caller) => {
      const ids = rules.collaborators?.(caller);
      return ids ? { response: ids } : { err: { code: 'INTERNAL', message: 'Internal server error' } };
    }),
  ];
}
