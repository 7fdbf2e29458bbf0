import { describe, expect, it } from '@jest/globals';
import { InFlightLimiter } from './in-flight-limiter.js';

describe('InFlightLimiter', () => {
  it('admits up to the limit per service, refuses beyond it, and admits again after a release', () => {
    const limiter = new InFlightLimiter(2);
    const first = limiter.tryAcquire('auth.login');
    const second = limiter.tryAcquire('auth.register');
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    expect(limiter.tryAcquire('auth.me')).toBeNull();
    // Another service has its own share.
    expect(limiter.tryAcquire('tasks.create')).not.toBeNull();
    first!();
    expect(limiter.current('auth')).toBe(1);
    expect(limiter.tryAcquire('auth.me')).not.toBeNull();
  });

  it('counts a release once however often it is called', () => {
    const limiter = new InFlightLimiter(1);
    const release = limiter.tryAcquire('events.list')!;
    release();
    release();
    expect(limiter.current('events')).toBe(0);
    expect(limiter.tryAcquire('events.list')).not.toBeNull();
    expect(limiter.tryAcquire('events.list')).toBeNull();
  });
});
