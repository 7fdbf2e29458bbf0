import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { AUTH_EVENTS_STREAM, SESSIONS_REVOKED_SUBJECT } from '#contracts';
import { APP_ENV } from '#config';
import { describeError, DurableConsumer } from '#jetstream';
import { NatsRpcClient } from '#nats';
import { SERVICE_NAME, type RealtimeEnv } from '../config/realtime.env.js';
import { realtimeConsumerOptions } from '../jetstream/realtime-consumer.js';
import { RealtimeMetrics } from '../metrics/realtime-metrics.service.js';
import { RevokedSessions } from '../socket/revoked-sessions.js';
import { TasksGateway } from '../tasks/tasks.gateway.js';
import { parseSessionRevocation, type SessionRevocation } from './session-revocation.js';

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
  private readonly consumer: DurableConsumer<SessionRevocation>;

  constructor(
    nats: NatsRpcClient,
    @Inject(APP_ENV) env: RealtimeEnv,
    metrics: RealtimeMetrics,
    private readonly gateway: TasksGateway,
    private readonly revoked: RevokedSessions,
  ) {
    this.consumer = new DurableConsumer(
      realtimeConsumerOptions(nats, metrics, {
        replicas: env.EVENT_STREAM_REPLICAS,
        stream: AUTH_EVENTS_STREAM,
        durable: SESSION_REVOCATIONS_CONSUMER,
        filterSubject: SESSIONS_REVOKED_SUBJECT,
        what: 'session revocations',
        context: SessionRevocationsConsumer.name,
        decode: (message: JsMsg) => parseSessionRevocation(message.data),
        handle: (revocation) => this.handle(revocation),
      }),
    );
  }

  onApplicationBootstrap(): void {
    this.consumer.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.consumer.stop();
  }

  /** Idempotent, so a redelivery (lost ack, or a retry after Redis failed) just repeats it. */
  private async handle(revocation: SessionRevocation): Promise<void> {
    // Redis first: a socket whose handshake raced this event re-checks Redis after joining its
    // session room, so it either is in the room when it is disconnected or finds the entry.
    let failure: { error: unknown } | undefined;
    try {
      await this.revoked.add(revocation.sessionIds, revocation.reason);
    } catch (error) {
      failure = { error };
      this.logger.error(`Remembering ${revocation.sessionIds.length} revoked session(s) of ${revocation.userId} failed: ${describeError(error)}`);
    }
    // Live sockets are ended whatever Redis said; without the entry, the retry repeats both.
    this.gateway.endSessions(revocation.sessionIds, revocation.reason);
    if (failure) throw failure.error;
  }
}
