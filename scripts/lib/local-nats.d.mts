// Types for local-nats.mjs (imported by TypeScript tests).
import type { ChildProcess } from 'node:child_process';

export interface ExtraNatsUser {
  /** A config value: a literal public key or a `$VARIABLE` from the server's environment. */
  nkey: string;
  /** A config value, e.g. `{ publish: ">", subscribe: ">" }`; omitted: full rights. */
  permissions?: string;
}
export interface LocalNats {
  url: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}
export const ROOT: string;
export const NATS_CONFIG: string;
export const NATS_AUTH_CONFIG: string;
export const NATS_DEV_ENV: string;
export function findNatsServer(explicit?: string): string | undefined;
export function natsDevEnv(): Record<string, string>;
export function authConfigWithExtraUsers(extraUsers: ExtraNatsUser[]): string;
export function freePort(host?: string): Promise<number>;
export function startLocalNats(options?: {
  binary?: string;
  port?: number;
  host?: string;
  env?: Record<string, string>;
  extraUsers?: ExtraNatsUser[];
  timeoutMs?: number;
}): Promise<LocalNats>;
export function warnUnauthenticatedNats(who: string, url: string): void;
