import { describe, expect, it } from '@jest/globals';
import { clearedCookieOptions, refreshCookieOptions } from './refresh-cookie.js';

describe('refresh cookie', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('lives until the session expires, HttpOnly, SameSite=Strict, on /api/auth only', () => {
    expect(refreshCookieOptions('2026-01-08T00:00:00Z', false, now)).toEqual({
      httpOnly: true,
      sameSite: 'strict',
      path: '/api/auth',
      secure: false,
      maxAge: 7 * 24 * 3600,
      expires: new Date('2026-01-08T00:00:00Z'),
    });
  });

  it('rounds the lifetime up, so a few milliseconds in transit do not cost a second', () => {
    expect(refreshCookieOptions('2026-01-08T00:00:00Z', false, now + 3).maxAge).toBe(7 * 24 * 3600);
  });

  it('is Secure when asked (production)', () => {
    expect(refreshCookieOptions('2026-01-08T00:00:00Z', true, now).secure).toBe(true);
  });

  it('never gets a negative lifetime', () => {
    expect(refreshCookieOptions('2025-12-31T00:00:00Z', false, now).maxAge).toBe(0);
  });

  it('is cleared on the same path with Max-Age=0', () => {
    expect(clearedCookieOptions(true)).toMatchObject({ path: '/api/auth', maxAge: 0, httpOnly: true, sameSite: 'strict', secure: true });
  });
});
