import { ValidateBy, buildMessage, type ValidationOptions } from 'class-validator';

export const NO_NUL_CHARS = 'noNulChars';

/**
 * PostgreSQL text cannot hold U+0000 (the driver's error would be a 500), and bcrypt's C
 * code stops reading a password at the first NUL. So every string a client sends is
 * refused with a 400 if it contains one; non-strings are left to the type checks.
 */
export function NoNulChars(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: NO_NUL_CHARS,
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !value.includes('\u0000'),
        defaultMessage: buildMessage((each) => `${each}$property must not contain NUL (\\u0000) characters`, options),
      },
    },
    options,
  );
}
