import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { REQUEST_ID_HEADER } from '#logging';
import { mapError } from './error-body.js';

/**
 * The only exception filter: Nest routes Fastify's own errors (bad JSON, body too large,
 * unknown routes) through it too, via the error and not-found handlers it installs.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { body, headers, unexpected } = mapError(exception, request.id);

    if (unexpected) {
      this.logger.error(
        `${request.method} ${request.url} failed: ${exception instanceof Error ? exception.message : String(exception)}`,
        exception instanceof Error ? exception.stack : undefined,
      );
    }
    if (reply.sent || reply.raw.headersSent) return;
    reply.header(REQUEST_ID_HEADER, request.id);
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    void reply.status(body.statusCode).type('application/json; charset=utf-8').send(body);
  }
}
