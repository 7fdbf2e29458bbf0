import { describe, expect, it } from '@jest/globals';
import { ErrorCode, RpcError } from '#contracts';
import { DependencyChecks } from './dependency-checks.js';

describe('DependencyChecks', () => {
  it('names the dependencies that fail or hang past the timeout, and only those', async () => {
    const checks = new DependencyChecks(
      [
        { name: 'nats', check: () => true },
        { name: 'postgres', check: () => new Promise(() => undefined) },
        { name: 'mongodb', check: () => Promise.reject(new Error('down')) },
      ],
      { timeoutMs: 20, cacheMs: 0 },
    );
    const started = Date.now();
    expect(await checks.failing()).toEqual(['postgres', 'mongodb']);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('assertReady rejects with SERVICE_UNAVAILABLE naming the dependency, and resolves when all are up', async () => {
    let up = false;
    const checks = new DependencyChecks([{ name: 'postgres', check: () => (up ? 1 : Promise.reject(new Error('ECONNREFUSED'))) }], { cacheMs: 0 });
    const error = await checks.assertReady().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
    expect((error as RpcError).details).toEqual({ dependencies: ['postgres'] });
    up = true;
    await expect(checks.assertReady()).resolves.toBeUndefined();
  });

  it('runs one check per cache period however many ask, then checks again', async () => {
    let now = 0;
    let runs = 0;
    const checks = new DependencyChecks([{ name: 'postgres', check: () => void (runs += 1) }], { cacheMs: 1000, now: () => now });
    await Promise.all(Array.from({ length: 50 }, () => checks.failing()));
    expect(runs).toBe(1);
    now = 999;
    await checks.failing();
    expect(runs).toBe(1);
    now = 1000;
    await checks.failing();
    expect(runs).toBe(2);
  });
});
