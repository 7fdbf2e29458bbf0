import { AuthContract, type PingResponse, type RequestContract, TasksContract } from '#contracts';

/** Every service the gateway depends on; readiness pings each. Add events/realtime here as they land. */
export const READINESS_TARGETS: ReadonlyArray<{ name: string; ping: RequestContract<Record<string, never>, PingResponse> }> = [
  { name: 'auth-service', ping: AuthContract.ping },
  { name: 'tasks-service', ping: TasksContract.ping },
];

/** One sentence naming what failed, e.g. "auth-service not ready". */
export function describeFailures(failed: string[]): string {
  return `${failed.join(', ')} not ready`;
}
