import { describe, expect, it } from '@jest/globals';
import { describeFailures, READINESS_TARGETS } from './readiness.js';

describe('readiness', () => {
  it('pings auth-service, tasks-service and events-service, and not realtime-service', () => {
    const targets = READINESS_TARGETS.map((t) => [t.name, t.ping.subject]);
    expect(targets).toEqual([
      ['auth-service', 'auth.ping'],
      ['tasks-service', 'tasks.ping'],
      ['events-service', 'events.ping'],
    ]);
  });

  it('names what failed', () => {
    expect(describeFailures(['auth-service'])).toBe('auth-service not ready');
    expect(describeFailures(['auth-service', 'tasks-service'])).toBe('auth-service, tasks-service not ready');
  });
});
