import { describe, expect, it } from '@jest/globals';
import { NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { errorBody } from './http-error.filter.js';

describe('errorBody', () => {
  it('keeps the message of client errors and of 503s (which say what is not ready)', () => {
    expect(errorBody(new NotFoundException('Cannot GET /x'), 'r1')).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /x', requestId: 'r1' });
    expect(errorBody(new ServiceUnavailableException('Redis not ready'), 'r2')).toEqual({ statusCode: 503, error: 'Service Unavailable', message: 'Redis not ready', requestId: 'r2' });
  });

  it('never describes an unknown failure', () => {
    expect(errorBody(new Error('ECONNREFUSED 10.0.0.1:6379'), 'r3')).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error', requestId: 'r3' });
  });
});
