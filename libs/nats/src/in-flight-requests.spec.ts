import { describe, expect, it } from '@jest/globals';
import { InFlightRequests } from './in-flight-requests.js';

describe('InFlightRequests', () => {
  it('is idle at once with nothing in flight', async () => {
    expect(await new InFlightRequests().idle(10_000)).toBe(true);
  });

  it('turns idle when the last request ends, each end counted once', async () => {
    const inFlight = new InFlightRequests();
    const [first, second] = [inFlight.start(), inFlight.start()];
    const idle = inFlight.idle(10_000);
    first();
    first();
    expect(inFlight.size).toBe(1);
    second();
    expect(await idle).toBe(true);
    expect(inFlight.size).toBe(0);
  });

  it('gives up after the timeout while a request is still running', async () => {
    const inFlight = new InFlightRequests();
    inFlight.start();
    expect(await inFlight.idle(20)).toBe(false);
    expect(inFlight.size).toBe(1);
  });
});
