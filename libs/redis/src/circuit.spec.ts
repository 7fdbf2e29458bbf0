import { describe, expect, it, jest } from '@jest/globals';
import { Circuit } from './circuit.js';

/** A probe whose outcome the test decides, and a way to await its next call. */
function controlledProbe() {
  let healthy = false;
  let calls = 0;
  const probe = jest.fn(async () => {
    calls++;
    if (!healthy) throw new Error('still down');
  });
  return { probe, setHealthy: (value: boolean) => (healthy = value), calls: () => calls };
}

describe('Circuit', () => {
  it('opens on a trip and closes only after a successful probe', async () => {
    jest.useFakeTimers();
    try {
      const { probe, setHealthy, calls } = controlledProbe();
      const changes: boolean[] = [];
      const circuit = new Circuit({ probe, probeIntervalMs: 100, onChange: (open) => changes.push(open) });
      expect(circuit.isOpen).toBe(false);
      circuit.trip(new Error('timeout'));
      circuit.trip(new Error('timeout again'));
      expect(circuit.isOpen).toBe(true);
      await jest.advanceTimersByTimeAsync(250);
      expect(calls()).toBe(2);
      expect(circuit.isOpen).toBe(true);
      setHealthy(true);
      await jest.advanceTimersByTimeAsync(100);
      expect(circuit.isOpen).toBe(false);
      expect(changes).toEqual([true, false]);
      // Closed: no more probes.
      await jest.advanceTimersByTimeAsync(1000);
      expect(calls()).toBe(3);
    } finally {
      jest.useRealTimers();
    }
  });

  it('stays open until every recovery hook succeeded', async () => {
    jest.useFakeTimers();
    try {
      const circuit = new Circuit({ probe: async () => undefined, probeIntervalMs: 100 });
      let failHook = true;
      const hook = jest.fn(async () => {
        if (failHook) throw new Error('repair failed');
      });
      circuit.onRecovery(hook);
      circuit.trip('down');
      await jest.advanceTimersByTimeAsync(100);
      expect(hook).toHaveBeenCalledTimes(1);
      expect(circuit.isOpen).toBe(true);
      failHook = false;
      await jest.advanceTimersByTimeAsync(100);
      expect(hook).toHaveBeenCalledTimes(2);
      expect(circuit.isOpen).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });
});
