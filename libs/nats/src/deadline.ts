import type { NatsContext } from '@nestjs/microservices';

/**
 * Absolute deadline (epoch ms) of a NATS request, set by the first sender (the gateway) and
 * inherited by every hop. A service drops a request whose deadline passed before its handler
 * starts, and bounds its database work by what is left, so no work is done, and no write is
 * committed, for a client that was already told it timed out. Clocks are assumed synchronised
 * (NTP) to well under the budget.
 */
export const DEADLINE_HEADER = 'x-deadline';

/**
 * The sender waits this much longer than the deadline it stamps (at most a quarter of the
 * budget), so that the answer of work finished just before the deadline — a write committed
 * at the last moment — still reaches it, instead of being reported as a 504 while it succeeded.
 */
export const REPLY_MARGIN_MS = 200;

/** The deadline to stamp on a request whose sender waits until `waitUntil` (epoch ms) for the answer. */
export function deadlineFor(waitUntil: number, now = Date.now()): number {
  return waitUntil - Math.min(REPLY_MARGIN_MS, Math.floor((waitUntil - now) / 4));
}

export function deadlineOf(context: NatsContext): number | undefined {
  const value = Number(context.getHeaders?.()?.get(DEADLINE_HEADER));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
