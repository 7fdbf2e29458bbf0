import { isEmail, ValidateBy, type ValidationArguments, type ValidationOptions } from 'class-validator';

export const SAFE_TEXT = 'safeText';

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why `text` cannot be stored or hashed as sent, or null. PostgreSQL text cannot hold
 * U+0000 and jsonb (event payloads, the outbox) refuses an unpaired surrogate escape: both
 * were 500s. bcrypt's C code also stops reading a password at the first NUL.
 */
export function unsafeTextProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain NUL (\\u0000) characters';
  if (UNPAIRED_SURROGATE.test(text)) return 'must be well-formed Unicode (no unpaired surrogates)';
  return null;
}

/**
 * Every string a client sends goes through this (see safe-text.spec.ts): text that would
 * fail in PostgreSQL or bcrypt is a 400 naming the field; non-strings are left to the type checks.
 */
export function SafeText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: SAFE_TEXT,
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || unsafeTextProblem(value) === null,
        defaultMessage: (args?: ValidationArguments) => {
          const values = Array.isArray(args?.value) ? args.value : [args?.value];
          const problem = values.map((value) => (typeof value === 'string' ? unsafeTextProblem(value) : null)).find(Boolean);
          return `${options?.each ? 'each value in ' : ''}${args?.property ?? 'value'} ${problem ?? 'is not safe text'}`;
        },
      },
    },
    options,
  );
}

const utf8 = new TextEncoder();

/**
 * class-validator's IsByteLength and IsEmail measure with encodeURI, which throws on an
 * unpaired surrogate: the pipe then fails with a 500 instead of a 400. These two do the same
 * checks without throwing.
 */
export function ByteLength(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'byteLength',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          // An unpaired surrogate counts as U+FFFD here; SafeText refuses it with its own message.
          const bytes = utf8.encode(value).length;
          return bytes >= min && bytes <= max;
        },
        defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'value'} must be ${min}-${max} bytes long`,
      },
    },
    options,
  );
}

export function SafeEmail(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEmail',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && unsafeTextProblem(value) === null && isEmail(value),
        defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'value'} must be an email`,
      },
    },
    options,
  );
}
