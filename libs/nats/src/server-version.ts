/**
 * The nats-server version JetStream consumers rely on: 2.10.0. Before it the server ignores
 * `+TERM <reason>` (verified on 2.9.10: the message stays pending and is redelivered until
 * max_deliver, stalling the ack floor), while a bare `+TERM` works. The rule: on an older
 * server a consumer warns once at start-up and terminates messages without a reason (the
 * reason is still logged and stored where the consumer keeps one); on 2.10.0 or later it
 * sends the reason, which then appears in the server's advisory.
 */
export const MIN_NATS_SERVER_VERSION = '2.10.0';

/** Compares dotted versions numerically ("2.9.10" < "2.10.0"); a pre-release suffix is ignored. */
export function versionAtLeast(version: string, minimum: string): boolean {
  const parts = (value: string) => value.split('-')[0]!.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const [have, want] = [parts(version), parts(minimum)];
  for (let i = 0; i < Math.max(have.length, want.length); i += 1) {
    const [a, b] = [have[i] ?? 0, want[i] ?? 0];
    if (a !== b) return a > b;
  }
  return true;
}

export interface TermCapability {
  /** Whether `term(reason)` is honoured; when false, call `term()` without one. */
  termWithReason: boolean;
  /** A warning to log once, or null when the server is recent enough. */
  warning: string | null;
}

/** Judges the server a consumer connected to, from its INFO (`connection.info.version`). */
export function termCapability(serverVersion: string | undefined): TermCapability {
  if (serverVersion && versionAtLeast(serverVersion, MIN_NATS_SERVER_VERSION)) return { termWithReason: true, warning: null };
  return {
    termWithReason: false,
    warning:
      `nats-server ${serverVersion ?? '(unknown version)'} is older than ${MIN_NATS_SERVER_VERSION}, which JetStream consumers rely on ` +
      '(it ignores a terminate with a reason); terminating messages without a reason. Upgrade NATS to 2.10 or later.',
  };
}
