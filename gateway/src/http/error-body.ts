import { STATUS_CODES } from 'node:http';
import { HttpException, HttpStatus } from '@nestjs/common';
import { ErrorCode, RpcError } from '#contracts';

/** The one error shape every client sees (SPEC "HTTP conventions"). */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  requestId: string;
  /** On a version conflict: the current state of the resource, so the client can merge. */
  current?: unknown;
}

export interface MappedError {
  body: ErrorBody;
  headers: Record<string, string>;
  /** Unknown failures are logged with their stack; expected ones are not. */
  unexpected: boolean;
}

/** A 429 that tells the client when to come back. */
export class TooManyRequestsError extends HttpException {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many requests, try again later',
  ) {
    super(message, HttpStatus.TOO_MANY_REQUESTS);
  }
}

const INTERNAL_MESSAGE = 'Internal server error';

/** Fastify's own 4xx errors carry fixed, safe messages, except a JSON syntax error, which echoes the input. */
const FASTIFY_MESSAGES: Record<number, string> = {
  413: 'Request body is too large',
  415: 'Unsupported media type',
};

function reason(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

interface StatusError extends Error {
  statusCode?: number;
  code?: string;
}

/** An error raised by Fastify before Nest routing (body parsing, content type); Nest may have wrapped it. */
function fastifyCause(exception: unknown): StatusError | undefined {
  const candidate = exception instanceof HttpException ? exception.cause : exception;
  if (!(candidate instanceof Error)) return undefined;
  const { statusCode } = candidate as StatusError;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 ? (candidate as StatusError) : undefined;
}

function fromFastify(error: StatusError): { status: number; message: string } {
  const status = error.statusCode!;
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return { status, message: 'Request body is not valid JSON' };
  if (FASTIFY_MESSAGES[status]) return { status, message: FASTIFY_MESSAGES[status] };
  // FST_* errors are fixed sentences (e.g. "Body cannot be empty when content-type is set to 'application/json'").
  return { status, message: error.name === 'FastifyError' ? error.message : reason(status) };
}

function httpMessage(exception: HttpException): string | string[] {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string' || (Array.isArray(message) && message.every((m) => typeof m === 'string'))) return message;
  return reason(exception.getStatus());
}

/**
 * A version conflict carries `details: { current }` (contracts' TaskConflictDetails); only
 * `current` reaches the client, never anything else a service put in `details`.
 */
export function conflictCurrent(exception: RpcError): unknown {
  if (exception.code !== ErrorCode.CONFLICT) return undefined;
  const details = exception.details;
  if (typeof details !== 'object' || details === null || !('current' in details)) return undefined;
  return (details as { current: unknown }).current;
}

/** What a shed or unavailable request tells the client to wait before retrying. */
export const RETRY_AFTER_SECONDS = 1;

/** Maps anything thrown while serving a request to the client-facing error; pure, so it is unit-tested. */
export function mapError(exception: unknown, requestId: string): MappedError {
  const headers: Record<string, string> = {};
  const make = (statusCode: number, message: string | string[], unexpected = false): MappedError => ({
    body: { statusCode, error: reason(statusCode), message, requestId },
    headers,
    unexpected,
  });

  if (exception instanceof RpcError) {
    if (exception.code === ErrorCode.INTERNAL) return make(500, INTERNAL_MESSAGE);
    // Shed load and a missing service: the client may retry, soon.
    if (exception.code === ErrorCode.OVERLOADED || exception.code === ErrorCode.SERVICE_UNAVAILABLE) headers['Retry-After'] = String(RETRY_AFTER_SECONDS);
    const mapped = make(exception.status, exception.messages);
    const current = conflictCurrent(exception);
    if (current !== undefined) mapped.body.current = current;
    return mapped;
  }

  const fastify = fastifyCause(exception);
  if (fastify) {
    const { status, message } = fromFastify(fastify);
    return make(status, message);
  }

  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (exception instanceof TooManyRequestsError) headers['Retry-After'] = String(exception.retryAfterSeconds);
    // A 5xx HttpException comes from our own code (e.g. readiness) and says what failed; others are unknown.
    if (status >= 500 && status !== 503 && status !== 504) return make(status, reason(status), true);
    return make(status, httpMessage(exception));
  }

  return make(500, INTERNAL_MESSAGE, true);
}
