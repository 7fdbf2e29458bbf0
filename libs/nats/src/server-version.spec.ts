import { describe, expect, it } from '@jest/globals';
import { termCapability, versionAtLeast } from './server-version.js';

describe('nats-server version rule', () => {
  it('compares versions numerically, not as text', () => {
    expect(versionAtLeast('2.9.10', '2.10.0')).toBe(false);
    expect(versionAtLeast('2.10.0', '2.10.0')).toBe(true);
    expect(versionAtLeast('2.10.22', '2.10.0')).toBe(true);
    expect(versionAtLeast('2.11.0-RC.1', '2.10.0')).toBe(true);
    expect(versionAtLeast('3.0', '2.10.0')).toBe(true);
  });

  it('terminates with a reason from 2.10.0 on, and warns and drops the reason before it', () => {
    expect(termCapability('2.10.4')).toEqual({ termWithReason: true, warning: null });
    const old = termCapability('2.9.10');
    expect(old.termWithReason).toBe(false);
    expect(old.warning).toMatch(/2\.9\.10 is older than 2\.10\.0/);
    expect(termCapability(undefined).termWithReason).toBe(false);
  });
});
