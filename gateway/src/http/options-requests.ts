import { BadRequestException } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { mapError } from './error-body.js';

/** A CORS preflight names its origin and the method it asks for; any other OPTIONS is not one. */
export function isCorsPreflight(request: Pick<FastifyRequest, 'method' | 'headers'>): boolean {
  return request.method === 'OPTIONS' && !!request.headers.origin && !!request.headers['access-control-request-method'];
}

export const NOT_A_PREFLIGHT = 'OPTIONS is answered only as a CORS preflight (with Origin and Access-Control-Request-Method headers)';

/**
 * Every OPTIONS ends here, after the request-id and helmet hooks, so it carries their
 * headers like any other response: a preflight (its CORS headers already set by
 * @fastify/cors, which continues) gets an empty 204; the API has no OPTIONS routes of its
 * own, so anything else is a 400 in the SPEC error shape, not a 404 for a path that exists.
 */
export function answerOptionsRequests(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.method !== 'OPTIONS') return done();
    // Safari waits for a body on a 204 without Content-Length.
    if (isCorsPreflight(request)) return void reply.code(204).header('content-length', '0').send();
    const { body } = mapError(new BadRequestException(NOT_A_PREFLIGHT), request.id);
    void reply.code(body.statusCode).type('application/json; charset=utf-8').send(body);
  });
}
