import { BadRequestException } from '@nestjs/common';
import { IDEMPOTENCY_KEY_PATTERN } from '#contracts';

/**
 * The `Idempotency-Key` header of a create, or undefined when none was sent. Anything else
 * than one value of 1–200 visible ASCII characters is a 400 (a repeated header arrives as an
 * array, or joined with ", ", and is refused either way: which key would the client mean?).
 */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(header)) {
    throw new BadRequestException('Idempotency-Key must be 1-200 visible ASCII characters');
  }
  return header;
}
