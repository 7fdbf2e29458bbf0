import { describe, expect, it } from '@jest/globals';
import { bearerToken } from './access-token.guard.js';

describe('bearerToken', () => {
  it('reads a Bearer token', () => {
    expect(bearerToken('Bearer a.b.c')).toBe('a.b.c');
  });

  it('ignores other schemes and malformed headers', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
  });
});
