import { describe, expect, it } from '@jest/globals';
import { decide, ipKey, loginFailureKey } from './rate-limit.policy.js';

describe('decide', () => {
  it('allows up to and including the limit', () => {
    expect(decide(5, 5, 10_000).allowed).toBe(true);
    expect(decide(6, 5, 10_000).allowed).toBe(false);
  });

  it('rounds Retry-After up to whole seconds, at least 1', () => {
    expect(decide(6, 5, 1_001).retryAfterSeconds).toBe(2);
    expect(decide(6, 5, 0).retryAfterSeconds).toBe(1);
  });
});

describe('keys', () => {
  it('key failed logins by case-folded email and IP, without the email in clear', () => {
    const key = loginFailureKey(' Bob@Example.com', '10.0.0.1');
    expect(key).toBe(loginFailureKey('bob@example.com', '10.0.0.1'));
    expect(key).not.toContain('bob');
    expect(key).not.toBe(loginFailureKey('bob@example.com', '10.0.0.2'));
  });

  it('key the global limit by IP', () => {
    expect(ipKey('::1')).toBe('gateway:rl:ip:::1');
  });
});
