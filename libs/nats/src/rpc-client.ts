import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { connect, errors, headers, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { ErrorCode, isRpcErrorBody, RpcError, type RequestContract, type RequestOf, type ResponseOf } from '#contracts';
import { currentAccessToken, currentDeadline, currentRequestId, REQUEST_ID_HEADER } from '#logging';
import { ACCESS_TOKEN_HEADER } from './caller.js';
import { DEADLINE_HEADER, deadlineFor } from './deadline.js';
import { InFlightLimiter } from './in-flight-limiter.js';
import { OverloadBackoff } from './overload-backoff.js';
import { TurnBatch } from './turn-batch.js';

export interface NatsClientOptions {
  /** From natsConnectionOptions(env, role): servers, credentials, TLS, inbox prefix. */
  connection: NodeConnectionOptions;
  requestTimeoutMs: number;
  /**
   * At most this many requests in flight to one service (a subject's first token); beyond it
   * a request is refused at once with OVERLOADED (503 + Retry-After). Unset: no limit.
   */
  maxInFlightPerService?: number;
  /**
   * After a service answers OVERLOADED for a subject, refuse that subject here, at once, for
   * this long (OverloadBackoff). Unset or 0: every request is sent.
   */
  overloadBackoffMs?: number;
}
export const NATS_CLIENT_OPTIONS = Symbol('NATS_CLIENT_OPTIONS');

export interface RequestOptions {
  timeoutMs?: number;
  /**
   * Whose request this is. Defaults to the access token of the request being handled (the
   * gateway's caller, or the caller a service is answering); a socket passes its own.
   */
  accessToken?: string;
  /** Not counted against (nor refused by) the in-flight limit: readiness pings, which must never be shed. */
  unlimited?: boolean;
}

interface ReplyPacket {
  err?: unknown;
  response?: unknown;
}

/**
 * The one place that sends NATS requests. It speaks the packet format of Nest's NATS
 * transport, but over `nc.request`, which gives a shared reply inbox, a real timeout and
 * the server's "no responders" answer instead of a silent wait.
 */
@Injectable()
export class NatsRpcClient implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NatsRpcClient.name);
  private connection?: NatsConnection;
  private connecting?: Promise<NatsConnection>;
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;
  private readonly limiter?: InFlightLimiter;
  private readonly backoff: OverloadBackoff;
  /** Requests started in one event-loop turn go out in one socket write (see TurnBatch). */
  private readonly sends = new TurnBatch();

  constructor(@Inject(NATS_CLIENT_OPTIONS) private readonly options: NatsClientOptions) {
    if (options.maxInFlightPerService !== undefined) this.limiter = new InFlightLimiter(options.maxInFlightPerService);
    this.backoff = new OverloadBackoff(options.overloadBackoffMs ?? 0);
  }

  /**
   * Connects in the background: the app starts (and answers liveness, and 503s) while NATS
   * is unreachable, and the client keeps trying. One attempt at a time, however many callers.
   */
  onApplicationBootstrap(): void {
    void this.connect().catch((error: unknown) => this.logger.error(`NATS connection failed: ${String(error)}`));
  }

  connect(): Promise<NatsConnection> {
    this.connecting ??= this.connectWithRetry();
    return this.connecting;
  }

  /** Retries with back-off, and gives up for good at shutdown (no timer left behind). */
  private async connectWithRetry(): Promise<NatsConnection> {
    for (let delayMs = 250; ; delayMs = Math.min(delayMs * 2, 5000)) {
      try {
        const connection = await connect({ ...this.options.connection, maxReconnectAttempts: -1 });
        if (this.stopped) {
          await connection.close();
          throw new Error('NATS client shut down');
        }
        this.connection = connection;
        return connection;
      } catch (error) {
        if (this.stopped) throw error;
        this.logger.warn(`NATS not reachable (${String(error)}); retrying in ${delayMs} ms`);
        await new Promise((resolve) => (this.retryTimer = setTimeout(resolve, delayMs)));
      }
    }
  }

  isConnected(): boolean {
    return !!this.connection && !this.connection.isClosed() && this.connection.info !== undefined;
  }

  async request<C extends RequestContract<unknown, unknown>>(
    contract: C,
    data: RequestOf<C>,
    { timeoutMs = this.options.requestTimeoutMs, accessToken = currentAccessToken(), unlimited = false }: RequestOptions = {},
  ): Promise<ResponseOf<C>> {
    if (unlimited) return this.send(contract, data, timeoutMs, accessToken);
    if (this.backoff.isBackingOff(contract.subject)) throw new RpcError(ErrorCode.OVERLOADED, 'Service overloaded; retry shortly');
    const release = this.limiter ? this.limiter.tryAcquire(contract.subject) : () => undefined;
    if (!release) throw new RpcError(ErrorCode.OVERLOADED, 'Service overloaded; retry shortly');
    try {
      return await this.send(contract, data, timeoutMs, accessToken);
    } catch (error) {
      if (error instanceof RpcError && error.code === ErrorCode.OVERLOADED) this.backoff.overloaded(contract.subject);
      throw error;
    } finally {
      release();
    }
  }

  private async send<C extends RequestContract<unknown, unknown>>(contract: C, data: RequestOf<C>, timeoutMs: number, accessToken: string | undefined): Promise<ResponseOf<C>> {
    const connection = this.connection;
    // Before the first connection there is nobody to ask: fail at once rather than hang.
    if (!connection || connection.isClosed()) throw new RpcError(ErrorCode.SERVICE_UNAVAILABLE, 'Service unavailable');
    // One deadline for the whole request: a hop made while serving it inherits what is left.
    const now = Date.now();
    const waitUntil = Math.min(now + timeoutMs, currentDeadline() ?? Number.POSITIVE_INFINITY);
    const budgetMs = waitUntil - now;
    if (budgetMs <= 0) throw new RpcError(ErrorCode.TIMEOUT, 'Upstream service timed out');
    const requestHeaders = headers();
    requestHeaders.set(DEADLINE_HEADER, String(deadlineFor(waitUntil, now)));
    const requestId = currentRequestId();
    if (requestId) requestHeaders.set(REQUEST_ID_HEADER, requestId);
    if (accessToken) requestHeaders.set(ACCESS_TOKEN_HEADER, accessToken);
    const packet = JSON.stringify({ pattern: contract.subject, data, id: randomUUID() });

    let reply: ReplyPacket;
    try {
      const message = await this.sends.run(() => connection.request(contract.subject, packet, { timeout: budgetMs, headers: requestHeaders }));
      reply = message.json<ReplyPacket>();
    } catch (error) {
      throw this.transportError(contract.subject, error);
    }
    if (reply.err !== undefined && reply.err !== null) {
      if (isRpcErrorBody(reply.err)) throw RpcError.from(reply.err);
      this.logger.error({ subject: contract.subject, err: reply.err }, 'Unrecognised error reply');
      throw new RpcError(ErrorCode.INTERNAL, 'Internal server error');
    }
    return (reply.response ?? null) as ResponseOf<C>;
  }

  private transportError(subject: string, error: unknown): RpcError {
    const cause = error instanceof errors.RequestError ? error.cause : error;
    if (error instanceof errors.NoRespondersError || cause instanceof errors.NoRespondersError || (error instanceof errors.RequestError && error.isNoResponders())) {
      return new RpcError(ErrorCode.SERVICE_UNAVAILABLE, 'Service unavailable');
    }
    if (error instanceof errors.TimeoutError || cause instanceof errors.TimeoutError) {
      return new RpcError(ErrorCode.TIMEOUT, 'Upstream service timed out');
    }
    this.logger.error({ subject, err: error instanceof Error ? error.message : String(error) }, 'NATS request failed');
    return new RpcError(ErrorCode.SERVICE_UNAVAILABLE, 'Service unavailable');
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const connection = this.connection;
    this.connection = undefined;
    if (connection && !connection.isClosed()) await connection.drain().catch(() => connection.close());
  }
}
