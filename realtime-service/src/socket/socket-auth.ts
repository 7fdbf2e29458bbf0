import type { Namespace, Socket } from 'socket.io';
import type { VerifiedAccessToken } from '#auth';
import type { ClientToServerEvents, ServerToClientEvents, SessionRevocationReason } from '#contracts';

/** What the handshake established about a socket. */
export interface SocketData {
  user: VerifiedAccessToken;
  /** Kept to ask tasks-service on the user's behalf (it verifies the token itself). */
  accessToken: string;
  /** Subscribed tasks that belong to a project (task id → project id): left when the user leaves the project. */
  projectTasks?: Record<string, string>;
}

type InterServerEvents = Record<string, never>;
export type TasksNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type TasksSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** The `connect_error` message of every refused handshake: nothing tells a bad token from an expired one. */
export const UNAUTHORIZED = 'Unauthorized';

export interface TokenVerifier {
  verify(token: string): VerifiedAccessToken | null;
}

/** Revoked logins (logout, logout-all, password change): their tokens open no socket. */
export interface RevocationCheck {
  /** The reason the login was revoked, or undefined if it was not. Never throws. */
  reasonFor(sessionId: string): Promise<SessionRevocationReason | undefined>;
}

/** The access token from `auth: { token }` (a `Bearer ` prefix tolerated), or undefined. */
export function handshakeToken(auth: unknown): string | undefined {
  if (typeof auth !== 'object' || auth === null) return undefined;
  const token = (auth as { token?: unknown }).token;
  if (typeof token !== 'string') return undefined;
  const bare = token.startsWith('Bearer ') ? token.slice('Bearer '.length) : token;
  return bare.length > 0 && bare.length <= 4096 ? bare : undefined;
}

/**
 * Namespace middleware: a socket connects only with a valid access token, verified exactly
 * as the gateway verifies it (public keys by kid, ES256 pinned, issuer, audience, expiry), of a
 * login that has not been revoked.
 */
export function socketAuthMiddleware(tokens: TokenVerifier, revoked: RevocationCheck) {
  return (socket: TasksSocket, next: (error?: Error) => void): void => {
    const token = handshakeToken(socket.handshake.auth);
    if (!token) return next(new Error(UNAUTHORIZED));
    const admit = async () => {
      const user = tokens.verify(token);
      if (!user || (await revoked.reasonFor(user.sessionId)) !== undefined) return next(new Error(UNAUTHORIZED));
      socket.data.user = user;
      socket.data.accessToken = token;
      next();
    };
    admit().catch(() => next(new Error(UNAUTHORIZED)));
  };
}

/** setTimeout's limit (~24.8 days); a longer-lived token is re-checked at that point. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Milliseconds until a token expiring at `expiresAt` (epoch seconds) runs out. */
export function msUntilExpiry(expiresAt: number, now = Date.now()): number {
  return Math.min(MAX_TIMER_MS, Math.max(0, expiresAt * 1000 - now));
}
