import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import * as contracts from './index.js';
import { SAFE_TEXT } from './safe-text.js';

/** Every class exported by the contracts that class-validator knows: the request classes. */
const validatedClasses = Object.entries(contracts).filter(
  (entry): entry is [string, new () => object] =>
    typeof entry[1] === 'function' && getMetadataStorage().getTargetValidationMetadatas(entry[1], '', false, false).length > 0,
);

describe('SafeText', () => {
  it('guards every free-text string field of every request class', () => {
    expect(validatedClasses.length).toBeGreaterThan(10);
    const unguarded: string[] = [];
    for (const [name, target] of validatedClasses) {
      const metadata = getMetadataStorage().getTargetValidationMetadatas(target, '', false, false);
      const properties = new Set(metadata.map((m) => m.propertyName));
      for (const property of properties) {
        const names = metadata.filter((m) => m.propertyName === property).map((m) => m.name);
        // isUuid, isIn, isISO8601 and isEmail already refuse a NUL; a plain isString does not.
        if (names.includes('isString') && !names.includes(SAFE_TEXT)) unguarded.push(`${name}.${property}`);
      }
    }
    expect(unguarded).toEqual([]);
  });

  it('refuses a NUL or an unpaired surrogate with a message naming the field, and leaves other strings alone', () => {
    const check = (body: object) => validateSync(plainToInstance(contracts.CreateTaskBody, body)).flatMap((error) => Object.values(error.constraints ?? {}));
    expect(check({ title: 'a\u0000b' })).toEqual(['title must not contain NUL (\\u0000) characters']);
    expect(check({ title: 'a\ud800b' })).toEqual(['title must be well-formed Unicode (no unpaired surrogates)']);
    expect(check({ title: 'b\udc00' })).toEqual(['title must be well-formed Unicode (no unpaired surrogates)']);
    expect(check({ title: 'tab\there, ünïcödé, emoji 🎉' })).toEqual([]);
  });
});
