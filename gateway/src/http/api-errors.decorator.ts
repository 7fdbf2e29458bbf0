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
  503: 'A service is unavailable',
  504: 'A service timed out',
};

/** Documents error responses in the shared error shape; 429/503/504 apply to every /api route. */
export function ApiErrors(...statuses: number[]) {
  const all = [...new Set([...statuses, 429, 503, 504])].sort();
  return applyDecorators(...all.map((status) => ApiResponse({ status, description: DESCRIPTIONS[status] ?? 'Error', type: ErrorResponseDto })));
}
