import { describe, expect, it } from '@jest/globals';
import { deadlineFor, REPLY_MARGIN_MS } from './deadline.js';

describe('deadlineFor', () => {
  it('ends the work REPLY_MARGIN_MS before the sender stops waiting', () => {
    expect(deadlineFor(10_000 + 5000, 10_000)).toBe(15_000 - REPLY_MARGIN_MS);
  });

  it('keeps three quarters of a short budget for the work', () => {
    expect(deadlineFor(10_000 + 400, 10_000)).toBe(10_300);
  });
});
