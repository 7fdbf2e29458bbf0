import type { NatsContext } from '@nestjs/microservices';

/**
 * Absolute deadline (epoch ms) of a NATS request, set by the first sender (the gateway) and
 * inherited by every hop. A service drops a request whose deadline passed before its handler
 * starts, and bounds its database work by what is left, so no work is done, and no write is
 * committed, for a client that was already told it timed out. Clocks are assumed synchronised
 * (NTP) to well under the budget.
 */
export const DEADLINE_HEADER = 'x-deadline';

export function deadlineOf(context: NatsContext): number | undefined {
  const value = Number(context.getHeaders?.()?.get(DEADLINE_HEADER));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
