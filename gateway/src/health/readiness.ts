import { AuthContract, type EmptyRequest, ErrorCode, EventsContract, type PingResponse, type RequestContract, RpcError, TasksContract } from '#contracts';

/**
 * Every service the gateway needs to serve its API; readiness pings each. realtime-service is
 * deliberately absent: only GET /api/presence uses it, and its outage must not take the API
 * out of rotation (that route answers 503 meanwhile).
 */
export const READINESS_TARGETS: ReadonlyArray<{ name: string; ping: RequestContract<EmptyRequest, PingResponse> }> = [
  { name: 'auth-service', ping: AuthContract.ping },
  { name: 'tasks-service', ping: TasksContract.ping },
  { name: 'events-service', ping: EventsContract.ping },
];

/** One sentence naming what failed, e.g. "auth-service not ready". */
export function describeFailures(failed: string[]): string {
  return `${failed.join(', ')} not ready`;
}

/** A dependency name as a service reports it: short and plain, so it can be shown as is. */
const DEPENDENCY_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * What failed, from a ping's rejection: "tasks-service (postgres)" when the service answered
 * that a dependency of its own is down, else the service alone (no answer, timeout...).
 */
export function describeTarget(name: string, reason: unknown): string {
  if (reason instanceof RpcError && reason.code === ErrorCode.SERVICE_UNAVAILABLE) {
    const named = (reason.details as { dependencies?: unknown } | undefined)?.dependencies;
    const dependencies = Array.isArray(named) ? named.filter((d): d is string => typeof d === 'string' && DEPENDENCY_NAME.test(d)) : [];
    if (dependencies.length > 0) return `${name} (${dependencies.join(', ')})`;
  }
  return name;
}
