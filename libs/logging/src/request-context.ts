import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface RequestContext {
  requestId: string;
  /** The caller's access token, forwarded with every NATS request made on their behalf. */
  accessToken?: string;
  /** Epoch ms after which nobody waits for the answer any more (the gateway's deadline). */
  deadline?: number;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const REQUEST_ID_HEADER = 'x-request-id';

/** A client-supplied id is kept only if it is short and plain, so it cannot forge log lines. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function sanitizeRequestId(candidate: unknown): string {
  return typeof candidate === 'string' && SANE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
}

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

export function currentAccessToken(): string | undefined {
  return storage.getStore()?.accessToken;
}

export function currentDeadline(): number | undefined {
  return storage.getStore()?.deadline;
}

/** Milliseconds left before the request's deadline (Infinity outside a request with one). */
export function remainingBudgetMs(now = Date.now()): number {
  const deadline = currentDeadline();
  return deadline === undefined ? Number.POSITIVE_INFINITY : deadline - now;
}
