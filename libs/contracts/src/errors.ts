/** Error codes that travel from a service to the gateway; the gateway maps each to an HTTP status. */
export const ErrorCode = {
  VALIDATION: 'VALIDATION',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** More work than the service can start before the caller's deadline: shed at once. */
  OVERLOADED: 'OVERLOADED',
  TIMEOUT: 'TIMEOUT',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ERROR_STATUS: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  OVERLOADED: 503,
  TIMEOUT: 504,
  INTERNAL: 500,
};

/** The error body a service sends back over NATS instead of a response. */
export interface RpcErrorBody {
  code: ErrorCode;
  message: string | string[];
  /** Extra data a client may rely on, e.g. the current task on a version conflict. */
  details?: unknown;
}

export function isRpcErrorBody(value: unknown): value is RpcErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return typeof code === 'string' && code in ERROR_STATUS && (typeof message === 'string' || Array.isArray(message));
}

/** Thrown by services (and by the gateway's NATS client) for every expected failure. */
export class RpcError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string | string[],
    readonly details?: unknown,
  ) {
    super(Array.isArray(message) ? message.join('; ') : message);
    this.name = 'RpcError';
    this.messages = message;
  }

  readonly messages: string | string[];

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): RpcErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.messages }
      : { code: this.code, message: this.messages, details: this.details };
  }

  static from(body: RpcErrorBody): RpcError {
    return new RpcError(body.code, body.message, body.details);
  }
}
