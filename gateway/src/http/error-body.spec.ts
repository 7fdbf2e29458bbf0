import { describe, expect, it } from '@jest/globals';
import { BadRequestException, HttpException, NotFoundException, ServiceUnavailableException, ValidationPipe } from '@nestjs/common';
import { ErrorCode, RpcError } from '#contracts';
import { mapError, TooManyRequestsError } from './error-body.js';

const ID = 'req-1';

describe('mapError', () => {
  it('keeps validation messages as an array', async () => {
    class Body {}
    const pipe = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true });
    const error = await pipe.transform({ extra: 1 }, { type: 'body', metatype: Body }).catch((e: unknown) => e);
    expect(mapError(error, ID)).toEqual({
      body: { statusCode: 400, error: 'Bad Request', message: ['property extra should not exist'], requestId: ID },
      headers: {},
      unexpected: false,
    });
  });

  it('uses the reason phrase as error and keeps an HttpException message', () => {
    expect(mapError(new NotFoundException('Cannot GET /x'), ID).body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /x', requestId: ID });
  });

  it('maps RpcError codes to statuses with the service message', () => {
    expect(mapError(new RpcError(ErrorCode.CONFLICT, 'Email already registered'), ID).body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'Email already registered',
      requestId: ID,
    });
    expect(mapError(new RpcError(ErrorCode.TIMEOUT, 'Upstream service timed out'), ID).body.statusCode).toBe(504);
    expect(mapError(new RpcError(ErrorCode.SERVICE_UNAVAILABLE, 'Service unavailable'), ID).body.statusCode).toBe(503);
    expect(mapError(new RpcError(ErrorCode.VALIDATION, ['a', 'b']), ID).body.message).toEqual(['a', 'b']);
  });

  it('adds the current resource to a conflict that has one (details.current), and nothing else of details', () => {
    const current = { id: 't1', version: 3 };
    const mapped = mapError(new RpcError(ErrorCode.CONFLICT, 'Task was changed', { current, internal: 'x' }), ID);
    expect(mapped.body).toEqual({ statusCode: 409, error: 'Conflict', message: 'Task was changed', requestId: ID, current });
    expect(mapError(new RpcError(ErrorCode.CONFLICT, 'Email already registered', { table: 'users' }), ID).body).not.toHaveProperty('current');
    expect(mapError(new RpcError(ErrorCode.NOT_FOUND, 'Task not found', { current }), ID).body).not.toHaveProperty('current');
  });

  it('never repeats what a service said about an internal error', () => {
    const mapped = mapError(new RpcError(ErrorCode.INTERNAL, 'relation "users" does not exist'), ID);
    expect(mapped.body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error', requestId: ID });
  });

  it('hides unknown errors behind a 500 and flags them for logging', () => {
    const mapped = mapError(new Error('connect ECONNREFUSED 10.0.0.5:5432'), ID);
    expect(mapped.body.message).toBe('Internal server error');
    expect(mapped.unexpected).toBe(true);
    expect(mapError('a string', ID).body.statusCode).toBe(500);
    expect(mapError(new HttpException('boom', 500), ID).body.message).toBe('Internal Server Error');
  });

  it('keeps the message of a 503 raised on purpose (readiness)', () => {
    expect(mapError(new ServiceUnavailableException('auth-service not ready'), ID).body.message).toBe('auth-service not ready');
  });

  it('maps Fastify body errors, wrapped by Nest or not, without echoing the input', () => {
    const syntax = Object.assign(new SyntaxError('Unexpected token } in JSON at position 9'), { statusCode: 400 });
    expect(mapError(syntax, ID).body).toMatchObject({ statusCode: 400, message: 'Request body is not valid JSON' });

    const tooLarge = Object.assign(new Error('Request body is too large'), { name: 'FastifyError', code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
    const wrapped = new HttpException(tooLarge.message, 413, { cause: tooLarge });
    expect(mapError(wrapped, ID).body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: 'Request body is too large', requestId: ID });

    const media = Object.assign(new Error('Unsupported Media Type: text/xml'), { name: 'FastifyError', code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 });
    expect(mapError(new HttpException(media.message, 415, { cause: media }), ID).body).toMatchObject({ statusCode: 415, message: 'Unsupported media type' });
  });

  it('does not treat an HttpException caused by an ordinary error as a Fastify error', () => {
    const error = new BadRequestException('Bad cursor', { cause: new Error('base64') });
    expect(mapError(error, ID).body.message).toBe('Bad cursor');
  });

  it('sends Retry-After with a 429', () => {
    const mapped = mapError(new TooManyRequestsError(42), ID);
    expect(mapped.body.statusCode).toBe(429);
    expect(mapped.headers).toEqual({ 'Retry-After': '42' });
  });

  it('answers shed work (OVERLOADED) and a missing service with 503 and Retry-After', () => {
    for (const code of [ErrorCode.OVERLOADED, ErrorCode.SERVICE_UNAVAILABLE]) {
      const mapped = mapError(new RpcError(code, 'Too many sign-ins at once; retry in a moment'), ID);
      expect(mapped.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
      expect(mapped.headers).toEqual({ 'Retry-After': '1' });
    }
    expect(mapError(new RpcError(ErrorCode.TIMEOUT, 'Upstream service timed out'), ID).headers).toEqual({});
  });
});
