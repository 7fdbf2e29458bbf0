import { AuthContract, type PingResponse, type RequestContract } from '#contracts';

/** Every service the gateway depends on; readiness pings each. Add tasks/events here as they land. */
export const READINESS_TARGETS: ReadonlyArray<{ name: string; ping: RequestContract<Record<string, never>, PingResponse> }> = [
  { name: 'auth-service', ping: AuthContract.ping },
];

/** One sentence naming what failed, e.g. "auth-service not ready". */
export function describeFailures(failed: string[]): string {
  return `${failed.join(', ')} not ready`;
}
