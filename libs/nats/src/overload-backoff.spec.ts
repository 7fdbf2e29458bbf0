import { describe, expect, it } from '@jest/globals';
import { OverloadBackoff } from './overload-backoff.js';

describe('OverloadBackoff', () => {
  it('refuses a subject for backoffMs after it was answered OVERLOADED, then lets it through', () => {
    const backoff = new OverloadBackoff(100);
    expect(backoff.isBackingOff('auth.login', 1000)).toBe(false);
    backoff.overloaded('auth.login', 1000);
    expect(backoff.isBackingOff('auth.login', 1050)).toBe(true);
    expect(backoff.isBackingOff('auth.refresh', 1050)).toBe(false);
    expect(backoff.isBackingOff('auth.login', 1100)).toBe(false);
  });

  it('does nothing with a backoff of 0', () => {
    const backoff = new OverloadBackoff(0);
    backoff.overloaded('auth.login', 1000);
    expect(backoff.isBackingOff('auth.login', 1000)).toBe(false);
  });
});
