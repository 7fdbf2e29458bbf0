import { describe, expect, it } from '@jest/globals';
import { ErrorCode, RpcError } from '#contracts';
import { describeFailures, describeTarget, READINESS_TARGETS } from './readiness.js';

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

  it('names the dependency a service reports down, and only a plain name', () => {
    const down = new RpcError(ErrorCode.SERVICE_UNAVAILABLE, 'postgres not ready', { dependencies: ['postgres'] });
    expect(describeTarget('tasks-service', down)).toBe('tasks-service (postgres)');
    expect(describeTarget('tasks-service', new RpcError(ErrorCode.TIMEOUT, 'timed out'))).toBe('tasks-service');
    expect(describeTarget('tasks-service', new RpcError(ErrorCode.SERVICE_UNAVAILABLE, 'x', { dependencies: ['<script>', 42] }))).toBe('tasks-service');
    expect(describeTarget('tasks-service', new Error('boom'))).toBe('tasks-service');
  });
});
