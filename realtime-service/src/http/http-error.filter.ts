import { STATUS_CODES } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { REQUEST_ID_HEADER } from '#logging';

/** The SPEC error shape for this service's few HTTP routes (probes, metrics, unknown paths). */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  requestId: string;
}

export function errorBody(exception: unknown, requestId: string): ErrorBody {
  const statusCode = exception instanceof HttpException ? exception.getStatus() : 500;
  let message: string | string[] = 'Internal server error';
  // Client errors and 503s (readiness: what is not ready) keep their message; other 5xx never describe themselves.
  if (exception instanceof HttpException && (statusCode < 500 || statusCode === 503)) {
    const response = exception.getResponse();
    const candidate = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    message = typeof candidate === 'string' || Array.isArray(candidate) ? (candidate as string | string[]) : (STATUS_CODES[statusCode] ?? 'Error');
  }
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, requestId };
}

/**
 * HTTP only: socket handlers answer with acks and never throw, and NATS handlers have
 * RpcErrorFilter. Anything else that reaches here outside HTTP is logged.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
      return;
    }
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = errorBody(exception, request.id);
    if (body.statusCode === 500) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    void reply.code(body.statusCode).header(REQUEST_ID_HEADER, request.id).send(body);
  }
}
