import { describe, expect, it } from '@jest/globals';
import { BadRequestException } from '@nestjs/common';
import { parseIfMatch, PreconditionRequiredError, resolveVersion, versionEtag } from './entity-version.js';

describe('task versions over HTTP', () => {
  it('reads "3", 3 and W/"3" from If-Match', () => {
    expect(parseIfMatch('"3"')).toBe(3);
    expect(parseIfMatch('3')).toBe(3);
    expect(parseIfMatch('W/"3"')).toBe(3);
    expect(parseIfMatch(' "42" ')).toBe(42);
    expect(parseIfMatch(undefined)).toBeUndefined();
  });

  it.each(['*', '"3", "4"', 'abc', '"abc"', '"0"', '-1', '"3', 'W/3x', '', '1e3', '9999999999999999'])('refuses If-Match %p with 400', (value) => {
    expect(() => parseIfMatch(value)).toThrow(BadRequestException);
  });

  it('takes the version from the body or the header, 400 when they differ, 428 when neither', () => {
    expect(resolveVersion(3, undefined)).toBe(3);
    expect(resolveVersion(undefined, '"3"')).toBe(3);
    expect(resolveVersion(3, 'W/"3"')).toBe(3);
    expect(() => resolveVersion(3, '"4"')).toThrow(BadRequestException);
    expect(() => resolveVersion(undefined, undefined)).toThrow(PreconditionRequiredError);
    expect(new PreconditionRequiredError().getStatus()).toBe(428);
  });

  it('sends the version back as a quoted ETag', () => {
    expect(versionEtag(7)).toBe('"7"');
  });
});
