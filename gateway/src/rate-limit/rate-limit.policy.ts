import { createHash } from 'node:crypto';

export interface LimitDecision {
  allowed: boolean;
  /** Whole seconds to wait, at least 1; only meaningful when not allowed. */
  retryAfterSeconds: number;
}

/** `count` includes the current request (after INCR); allowed while it stays within `limit`. */
export function decide(count: number, limit: number, resetMs: number): LimitDecision {
  return { allowed: count <= limit, retryAfterSeconds: Math.max(1, Math.ceil(resetMs / 1000)) };
}

export function ipKey(ip: string): string {
  return `gateway:rl:ip:${ip}`;
}

/** Emails are hashed so Redis never holds them in clear; case-folded so Bob@x and bob@x share a limit. */
export function loginFailureKey(email: string, ip: string): string {
  const digest = createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');
  return `gateway:rl:login-fail:${digest}:${ip}`;
}
