import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '#contracts';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input',
  401: 'Missing, invalid or expired credentials',
  403: 'Not allowed for this role',
  404: 'Not found',
  409: 'Conflict',
  413: 'Body over 100 kB',
  428: 'Precondition Required: the version last read is missing (send `version` in the body or an If-Match header)',
  429: 'Rate limited; see Retry-After',
  503: 'Overloaded (load shed), or a service or its database is unavailable; retry after Retry-After',
  504: 'A service timed out',
};

/** Sent with 429 (the limiter's window) and 503 (shed load, a service or its dependency unavailable: RETRY_AFTER_SECONDS). */
const RETRY_AFTER_HEADER = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } },
};
const WITH_RETRY_AFTER = new Set([429, 503]);

/** Documents error responses in the shared error shape; 429/503/504 apply to every /api route. */
export function ApiErrors(...statuses: number[]) {
  const all = [...new Set([...statuses, 429, 503, 504])].sort();
  return applyDecorators(
    ...all.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error',
        type: ErrorResponseDto,
        ...(WITH_RETRY_AFTER.has(status) ? { headers: RETRY_AFTER_HEADER } : {}),
      }),
    ),
  );
}
