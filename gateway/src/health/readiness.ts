import { AuthContract, EventsContract, type PingResponse, type RequestContract, TasksContract } from '#contracts';

/**
 * Every service the gateway needs to serve its API; readiness pings each. realtime-service is
 * deliberately absent: only GET /api/presence uses it, and its outage must not take the API
 * out of rotation (that route answers 503 meanwhile).
 */
export const READINESS_TARGETS: ReadonlyArray<{ name: string; ping: RequestContract<Record<string, never>, PingResponse> }> = [
  { name: 'auth-service', ping: AuthContract.ping },
  { name: 'tasks-service', ping: TasksContract.ping },
  { name: 'events-service', ping: EventsContract.ping },
];

/** One sentence naming what failed, e.g. "auth-service not ready". */
export function describeFailures(failed: string[]): string {
  return `${failed.join(', ')} not ready`;
}
