import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { TASK_EVENTS_STREAM, TASK_EVENTS_STREAM_SUBJECTS, TASK_EVENTS_SUBJECT_PREFIX } from '#contracts';
import { connectAs, ensureEventStreams } from '#testing';
import { StreamSubjects } from '../src/outbox/stream-subjects.js';
import { tasksTestEnv } from './factories/tasks-context.js';

let nc: NatsConnection;
let jsm: JetStreamManager;

beforeAll(async () => {
  nc = await connectAs('test-admin');
  jsm = await jetstreamManager(nc);
  await ensureEventStreams(nc);
});
afterAll(async () => {
  // Whatever happened, leave the stream as the services expect it.
  await jsm?.streams.update(TASK_EVENTS_STREAM, { subjects: [...TASK_EVENTS_STREAM_SUBJECTS] }).catch(() => undefined);
  await nc?.close();
});

describe('TASK_EVENTS subjects', () => {
  it('adds projects.events.> to a stream created before projects, as tasks-service (its own credentials) does at start-up', async () => {
    // As an older tasks-service created it.
    await jsm.streams.update(TASK_EVENTS_STREAM, { subjects: [`${TASK_EVENTS_SUBJECT_PREFIX}.>`] });
    expect((await jsm.streams.info(TASK_EVENTS_STREAM)).config.subjects).toEqual(['tasks.events.>']);
    await new StreamSubjects(tasksTestEnv()).widen();
    expect((await jsm.streams.info(TASK_EVENTS_STREAM)).config.subjects).toEqual(['tasks.events.>', 'projects.events.>']);
    // Idempotent.
    await new StreamSubjects(tasksTestEnv()).widen();
    expect((await jsm.streams.info(TASK_EVENTS_STREAM)).config.subjects).toEqual(['tasks.events.>', 'projects.events.>']);
  });
});
