import type { CookieSerializeOptions } from '@fastify/cookie';

export const REFRESH_COOKIE = 'refresh_token';
/** The cookie only travels to the endpoints that use it, never to the rest of the API. */
export const REFRESH_COOKIE_PATH = '/api/auth';

function baseOptions(secure: boolean): CookieSerializeOptions {
  return { httpOnly: true, sameSite: 'strict', path: REFRESH_COOKIE_PATH, secure };
}

/**
 * Lives as long as the refresh session auth-service issued. Rounded up: the milliseconds the
 * reply took to get here must not turn 7 days into 6 days 23:59:59.
 */
export function refreshCookieOptions(expiresAt: string, secure: boolean, now = Date.now()): CookieSerializeOptions {
  const maxAge = Math.max(0, Math.ceil((Date.parse(expiresAt) - now) / 1000));
  return { ...baseOptions(secure), maxAge, expires: new Date(now + maxAge * 1000) };
}

/** Same name, path and flags as the cookie it replaces, or browsers keep the old one. */
export function clearedCookieOptions(secure: boolean): CookieSerializeOptions {
  return { ...baseOptions(secure), maxAge: 0, expires: new Date(0) };
}
