// The shipped NATS configuration (deploy/nats/nats-server.conf) on a nats-server of this
// suite's own, exactly as shipped (no test-admin), with the development public keys: who may
// connect, and what each role may and may not publish and subscribe. Every "denied" below
// waits for the server's permission violation, so widening a permission fails the suite; the
// "allowed" checks beside them keep the roles working.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, errors, nkeyAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { createUser } from '@nats-io/nkeys';
import { DEV_NATS_SEEDS, natsInboxPrefix, type NatsRole } from '#config';
import { AUTH_EVENTS_STREAM, AUTH_EVENTS_SUBJECT_PREFIX, NOTIFICATION_CREATED_SUBJECT, TASK_EVENTS_STREAM, TASK_EVENTS_SUBJECT_PREFIX, TasksContract } from '#contracts';
import { waitFor } from '#testing';
import { findNatsServer, startLocalNats, type LocalNats } from '../../../scripts/lib/local-nats.mjs';

let nats: LocalNats;
const open: NatsConnection[] = [];

/** Every permission violation the server reported on a connection (nats.js reports them asynchronously, as status events). */
class Violations {
  readonly seen: InstanceType<typeof errors.PermissionViolationError>[] = [];
  constructor(nc: NatsConnection) {
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'error' && status.error instanceof errors.PermissionViolationError) this.seen.push(status.error);
      }
    })();
  }

  /** Resolves once the server has refused `operation` on `subject`; fails after 5 s. */
  async expect(operation: 'publish' | 'subscription', subject: string): Promise<void> {
    await waitFor(() => this.seen.some((e) => e.operation === operation && e.subject === subject), 5000, `a ${operation} violation for ${subject}`);
  }
}

interface RoleConnection {
  nc: NatsConnection;
  violations: Violations;
}

async function as(role: NatsRole, options: { inboxPrefix?: string } = {}): Promise<RoleConnection> {
  const nc = await connect({
    servers: nats.url,
    name: `permissions-test-${role}`,
    authenticator: nkeyAuthenticator(new TextEncoder().encode(DEV_NATS_SEEDS[role])),
    inboxPrefix: options.inboxPrefix ?? natsInboxPrefix(role),
    reconnect: false,
  });
  open.push(nc);
  return { nc, violations: new Violations(nc) };
}

/** A request the server refuses: the request fails with the violation, and the status stream reports it. */
async function expectRequestDenied(conn: RoleConnection, subject: string): Promise<void> {
  const failure = await conn.nc.request(subject, '{}', { timeout: 5000 }).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(Error);
  expect(String(failure)).not.toMatch(/timeout/i);
  await conn.violations.expect('publish', subject);
}

/** A plain publish the server refuses (it drops the message and reports it). */
async function expectPublishDenied(conn: RoleConnection, subject: string): Promise<void> {
  conn.nc.publish(subject, JSON.stringify({ probe: randomUUID() }));
  await conn.violations.expect('publish', subject);
}

/** A responder with `role`'s credentials: replies go through `allow_responses`. */
async function responder(role: NatsRole, subject: string): Promise<RoleConnection> {
  const conn = await as(role);
  conn.nc.subscribe(subject, { callback: (_error, message) => {
      message.respond(JSON.stringify({ response: `${role} answered ${subject}` }));
    },
  });
  await conn.nc.flush();
  return conn;
}

beforeAll(async () => {
  if (!findNatsServer()) throw new Error('This suite runs deploy/nats/nats-server.conf on its own nats-server: install nats-server (or put it on PATH)');
  nats = await startLocalNats();
  // The producers create their streams, as in production.
  const tasks = await as('tasks-service');
  // Only the names matter to permissions (libs/outbox, which shapes the real streams, builds on this lib).
  await (await jetstreamManager(tasks.nc)).streams.add({ name: TASK_EVENTS_STREAM, subjects: [`${TASK_EVENTS_SUBJECT_PREFIX}.>`] });
  const auth = await as('auth-service');
  await (await jetstreamManager(auth.nc)).streams.add({ name: AUTH_EVENTS_STREAM, subjects: [`${AUTH_EVENTS_SUBJECT_PREFIX}.>`] });
}, 30000);

afterAll(async () => {
  await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
  await nats?.stop();
});

describe('NATS authentication (deploy/nats/nats-server.conf)', () => {
  it('refuses a client without credentials', async () => {
    await expect(connect({ servers: nats.url, reconnect: false })).rejects.toBeInstanceOf(errors.AuthorizationError);
  });

  it('refuses an nkey the configuration does not list', async () => {
    const stranger = createUser();
    await expect(connect({ servers: nats.url, reconnect: false, authenticator: nkeyAuthenticator(stranger.getSeed()) })).rejects.toBeInstanceOf(errors.AuthorizationError);
  });

  it('lets every role in with its own key', async () => {
    for (const role of Object.keys(DEV_NATS_SEEDS) as NatsRole[]) {
      const { nc } = await as(role);
      expect(nc.info?.auth_required).toBe(true);
    }
  });
});

describe('the integration role: read-only consumer of the event streams', () => {
  it('creates its own durable consumer on TASK_EVENTS and receives a task event tasks-service published', async () => {
    const integration = await as('integration');
    const jsm = await jetstreamManager(integration.nc);
    await jsm.consumers.add(TASK_EVENTS_STREAM, {
      durable_name: 'integration',
      filter_subject: `${TASK_EVENTS_SUBJECT_PREFIX}.>`,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
    });
    const tasks = await as('tasks-service');
    const eventId = randomUUID();
    await jetstream(tasks.nc).publish(`${TASK_EVENTS_SUBJECT_PREFIX}.created`, JSON.stringify({ eventId }), { msgID: eventId });
    const consumer = await jetstream(integration.nc).consumers.get(TASK_EVENTS_STREAM, 'integration');
    const message = await consumer.next({ expires: 5000 });
    expect(message?.json<{ eventId: string }>().eventId).toBe(eventId);
    expect(await message!.ackAck()).toBe(true);
    expect((await jsm.consumers.info(TASK_EVENTS_STREAM, 'integration')).num_ack_pending).toBe(0);
    // And on AUTH_EVENTS; then it cleans up after itself.
    await jsm.consumers.add(AUTH_EVENTS_STREAM, { durable_name: 'integration', ack_policy: AckPolicy.Explicit });
    expect(await jsm.consumers.delete(AUTH_EVENTS_STREAM, 'integration')).toBe(true);
    expect(integration.violations.seen).toEqual([]);
  });

  it('cannot create a consumer under another name, nor touch a service\'s consumer', async () => {
    const integration = await as('integration');
    const jsm = await jetstreamManager(integration.nc);
    await expect(jsm.consumers.add(TASK_EVENTS_STREAM, { durable_name: 'events-service', ack_policy: AckPolicy.Explicit })).rejects.toThrow(/Permissions Violation/);
    await integration.violations.expect('publish', `$JS.API.CONSUMER.CREATE.${TASK_EVENTS_STREAM}.events-service`);
    await expectRequestDenied(integration, `$JS.API.CONSUMER.DELETE.${TASK_EVENTS_STREAM}.events-service`);
    await expectRequestDenied(integration, `$JS.API.STREAM.PURGE.${TASK_EVENTS_STREAM}`);
    await expectRequestDenied(integration, `$JS.API.STREAM.DELETE.${TASK_EVENTS_STREAM}`);
  });

  it('gets a permission error for requesting tasks.get', async () => {
    await expectRequestDenied(await as('integration'), TasksContract.get.subject);
  });

  it('gets a permission error for publishing tasks.events.created and notifications.created', async () => {
    const integration = await as('integration');
    await expectPublishDenied(integration, `${TASK_EVENTS_SUBJECT_PREFIX}.created`);
    await expectPublishDenied(integration, NOTIFICATION_CREATED_SUBJECT);
    await expect(jetstream(integration.nc).publish(`${TASK_EVENTS_SUBJECT_PREFIX}.updated`, '{}')).rejects.toThrow(/Permissions Violation/);
  });
});

describe('service roles publish only their own events', () => {
  it('tasks-service cannot publish auth events (but publishes task events)', async () => {
    const tasks = await as('tasks-service');
    await expect(jetstream(tasks.nc).publish(`${AUTH_EVENTS_SUBJECT_PREFIX}.login`, '{}')).rejects.toThrow(/Permissions Violation/);
    await expectPublishDenied(tasks, `${AUTH_EVENTS_SUBJECT_PREFIX}.login`);
    await expect(jetstream(tasks.nc).publish(`${TASK_EVENTS_SUBJECT_PREFIX}.updated`, '{}')).resolves.toMatchObject({ stream: TASK_EVENTS_STREAM });
  });

  it('gateway cannot publish tasks.events.created or notifications.created (but sends requests)', async () => {
    await responder('tasks-service', TasksContract.ping.subject);
    const gateway = await as('gateway');
    await expectPublishDenied(gateway, `${TASK_EVENTS_SUBJECT_PREFIX}.created`);
    await expectPublishDenied(gateway, NOTIFICATION_CREATED_SUBJECT);
    const reply = await gateway.nc.request(TasksContract.ping.subject, '{}', { timeout: 5000 });
    expect(reply.json<{ response: string }>().response).toBe(`tasks-service answered ${TasksContract.ping.subject}`);
  });

  it('realtime-service cannot send tasks.create or tasks.delete (but may ask tasks.get)', async () => {
    await responder('tasks-service', TasksContract.get.subject);
    const realtime = await as('realtime-service');
    await expectRequestDenied(realtime, TasksContract.create.subject);
    await expectRequestDenied(realtime, TasksContract.delete.subject);
    const reply = await realtime.nc.request(TasksContract.get.subject, '{}', { timeout: 5000 });
    expect(reply.json<{ response: string }>().response).toBe(`tasks-service answered ${TasksContract.get.subject}`);
  });

  it('a service cannot answer requests it does not serve', async () => {
    const events = await as('events-service');
    events.nc.subscribe(TasksContract.get.subject);
    await events.violations.expect('subscription', TasksContract.get.subject);
  });
});

describe('inboxes', () => {
  it('a role cannot subscribe to another role\'s inbox', async () => {
    const realtime = await as('realtime-service');
    realtime.nc.subscribe(`${natsInboxPrefix('gateway')}.>`);
    await realtime.violations.expect('subscription', `${natsInboxPrefix('gateway')}.>`);
  });

  it('a role that keeps the default _INBOX prefix gets no replies (integrators must set theirs)', async () => {
    await responder('tasks-service', TasksContract.list.subject);
    const gateway = await as('gateway', { inboxPrefix: '_INBOX' });
    await expect(gateway.nc.request(TasksContract.list.subject, '{}', { timeout: 5000 })).rejects.toThrow();
    await waitFor(() => gateway.violations.seen.some((e) => e.operation === 'subscription' && e.subject.startsWith('_INBOX.')), 5000, 'the _INBOX subscription violation');
  });
});
