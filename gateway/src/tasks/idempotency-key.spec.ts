import { describe, expect, it } from '@jest/globals';
import { BadRequestException } from '@nestjs/common';
import { parseIdempotencyKey } from './idempotency-key.js';

describe('parseIdempotencyKey', () => {
  it('passes no header through and accepts 1-200 visible ASCII characters', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
    expect(parseIdempotencyKey('a')).toBe('a');
    expect(parseIdempotencyKey('9f1c-4b2a_x.y:z~!')).toBe('9f1c-4b2a_x.y:z~!');
    expect(parseIdempotencyKey('k'.repeat(200))).toBe('k'.repeat(200));
  });

  it.each([[''], ['k'.repeat(201)], ['has space'], ['tab\there'], ['ünï'], ['a\u0000b'], [['a', 'b']]])('refuses %j with 400', (header) => {
    expect(() => parseIdempotencyKey(header)).toThrow(BadRequestException);
  });
});
