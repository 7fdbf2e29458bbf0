import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { AUTH_EVENTS_STREAM, SESSIONS_REVOKED_SUBJECT } from '#contracts';
import { APP_ENV } from '#config';
import { NatsRpcClient } from '#nats';
import { SERVICE_NAME, type RealtimeEnv } from '../config/realtime.env.js';
import { describeError, DurableConsumer, jsonBody } from '../jetstream/durable-consumer.js';
import { RevokedSessions } from '../socket/revoked-sessions.js';
import { TasksGateway } from '../tasks/tasks.gateway.js';
import { parseSessionRevocation } from './session-revocation.js';

/** The same durable name as on TASK_EVENTS (another stream): one consumer per stream, shared by every replica. */
export const SESSION_REVOCATIONS_CONSUMER = SERVICE_NAME;

/**
 * Ends the sockets of revoked logins: auth-service records every revocation (logout,
 * logout-all, password change, refresh-token reuse) as a `user.logout` event on
 * AUTH_EVENTS naming the logins. One replica handles each event: it remembers the logins
 * in Redis (so their tokens open no new socket), then emits `session:revoked` to their
 * sockets and disconnects them on every replica through the Redis adapter.
 */
@Injectable()
export class SessionRevocationsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SessionRevocationsConsumer.name);
  private readonly consumer: DurableConsumer;

  constructor(
    nats: NatsRpcClient,
    @Inject(APP_ENV) env: RealtimeEnv,
    private readonly gateway: TasksGateway,
    private readonly revoked: RevokedSessions,
  ) {
    this.consumer = new DurableConsumer(nats, {
      replicas: env.EVENT_STREAM_REPLICAS,
      stream: AUTH_EVENTS_STREAM,
      durable: SESSION_REVOCATIONS_CONSUMER,
      filterSubject: SESSIONS_REVOKED_SUBJECT,
      what: 'session revocations',
      context: SessionRevocationsConsumer.name,
      handle: (message) => this.handle(message),
    });
  }

  onApplicationBootstrap(): void {
    this.consumer.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.consumer.stop();
  }

  /** Idempotent, so a redelivery (lost ack, or a retry after Redis failed) just repeats it. */
  private async handle(message: JsMsg): Promise<void> {
    const event = jsonBody(message);
    const revocation = parseSessionRevocation(event);
    if (!revocation) {
      this.logger.warn(`Dropping a user.logout event that names no sessions on ${message.subject} (seq ${message.seq})`);
      message.term();
      return;
    }
    // Redis first: a socket whose handshake raced this event re-checks Redis after joining its
    // session room, so it either is in the room when it is disconnected or finds the entry.
    let remembered = true;
    try {
      await this.revoked.add(revocation.sessionIds, revocation.reason);
    } catch (error) {
      remembered = false;
      this.logger.error(`Remembering ${revocation.sessionIds.length} revoked session(s) of ${revocation.userId} failed: ${describeError(error)}`);
    }
    // Live sockets are ended whatever Redis said; without the entry, a retry repeats both.
    this.gateway.endSessions(revocation.sessionIds, revocation.reason);
    if (remembered) message.ack();
    else message.nak(1000);
  }
}
