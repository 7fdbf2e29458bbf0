import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { RealtimeContract, TASK_EVENTS_STREAM, type Actor, type PresenceResponseDto, type TaskEvent } from '#contracts';
import { ACCESS_TOKEN_HEADER } from '#nats';
import {
  connectAs,
  connected,
  ensureTaskEventsStream,
  EventLog,
  freePort,
  mintAccessToken,
  publishTaskEvent,
  realtimeClient,
  startService,
  testEnv,
  tokenFor,
  waitFor,
  type RealtimeClient,
  type RunningService,
  type TokenHolder,
} from '#testing';

export interface Replica {
  service: RunningService;
  baseUrl: string;
  port: number;
}

/** NATS, JetStream, running replicas, and every socket a test opens (closed in `closeSockets`). */
export class RealtimeContext {
  nc!: NatsConnection;
  js!: JetStreamClient;
  jsm!: JetStreamManager;
  readonly replicas: Replica[] = [];
  private readonly sockets: RealtimeClient[] = [];

  async open(): Promise<this> {
    // Publishes task events and notifications, fakes tasks-service: the harness's admin.
    this.nc = await connectAs('test-admin');
    this.jsm = await jetstreamManager(this.nc);
    this.js = jetstream(this.nc);
    await ensureTaskEventsStream(this.jsm);
    return this;
  }

  async startReplica(env: Record<string, string> = {}): Promise<Replica> {
    const port = await freePort();
    const service = await startService('realtime-service', { ...testEnv(), PORT: String(port), ...env });
    const replica = { service, port, baseUrl: `http://127.0.0.1:${port}` };
    this.replicas.push(replica);
    // The durable consumer exists before any event is published (it starts at new messages).
    await waitFor(() => this.jsm.consumers.info(TASK_EVENTS_STREAM, 'realtime-service').then(() => true), 10000, 'the realtime-service consumer');
    return replica;
  }

  /** A connected socket of `holder` on `replica`, recording what it receives. */
  async socket(replica: Replica, holder: TokenHolder): Promise<EventLog> {
    const socket = realtimeClient(replica.baseUrl, holder.token);
    this.sockets.push(socket);
    const log = new EventLog(socket);
    await connected(socket);
    return log;
  }

  /** A socket that is expected to be refused. */
  client(replica: Replica, token: string | undefined): RealtimeClient {
    const socket = realtimeClient(replica.baseUrl, token);
    this.sockets.push(socket);
    return socket;
  }

  user(role: 'admin' | 'member' = 'member', ttlSeconds?: number): TokenHolder {
    return mintAccessToken({ role, ttlSeconds });
  }

  async publish(event: TaskEvent): Promise<TaskEvent> {
    await publishTaskEvent(this.js, event);
    return event;
  }

  /** Asks as the gateway does: the caller travels as a verified access token, not in the payload. */
  async presence(actor: Actor): Promise<PresenceResponseDto> {
    const subject = RealtimeContract.presence.subject;
    const callerHeaders = headers();
    callerHeaders.set(ACCESS_TOKEN_HEADER, tokenFor(actor));
    const reply = await this.nc.request(subject, JSON.stringify({ pattern: subject, data: {}, id: randomUUID() }), { timeout: 5000, headers: callerHeaders });
    const packet = reply.json<{ response?: PresenceResponseDto; err?: unknown }>();
    if (packet.err) throw new Error(`presence failed: ${JSON.stringify(packet.err)}`);
    return packet.response!;
  }

  closeSockets(): void {
    for (const socket of this.sockets.splice(0)) socket.disconnect();
  }

  async close(): Promise<void> {
    this.closeSockets();
    await Promise.all(this.replicas.splice(0).map((replica) => replica.service.stop()));
    await this.nc?.close();
  }
}

export const actorOf = (holder: TokenHolder): Actor => ({ id: holder.id, role: holder.role, sessionId: holder.sessionId });
