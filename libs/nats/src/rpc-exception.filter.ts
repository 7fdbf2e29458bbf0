import { type ArgumentsHost, Catch, HttpException, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { throwError, type Observable } from 'rxjs';
import { ErrorCode, RpcError, type RpcErrorBody } from '#contracts';

const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: ErrorCode.VALIDATION,
  401: ErrorCode.UNAUTHORIZED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  429: ErrorCode.RATE_LIMITED,
};

/** Network errors of a client whose server is down, restarting or unreachable. */
const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** PostgreSQL SQLSTATEs of a server that is going away or not accepting work yet. */
const POSTGRES_UNAVAILABLE = /^(08|57P0[1-4]|53300)/;

/**
 * Drivers' messages without a code: node-postgres's dropped or timed-out connection, a pool
 * client left unusable by one, a pool with no client free in time (a hung or saturated
 * database), ioredis's closed connection, PostgreSQL's start-up and shut-down refusals.
 */
const UNAVAILABLE_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|is not queryable|Connection is closed|the database system is (starting up|shutting down)/i;

/**
 * A dependency (database, cache) that is down or restarting, seen through whatever wrapped
 * its error (TypeORM keeps the driver's in `driverError`): the request may succeed on retry,
 * so it is 503, not 500.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  for (let cause = error, depth = 0; typeof cause === 'object' && cause !== null && depth < 4; depth += 1) {
    const { code, message, name } = cause as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof code === 'string' && (CONNECTION_ERRORS.has(code) || POSTGRES_UNAVAILABLE.test(code))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return true;
    if (typeof name === 'string' && /^Mongo(Network|ServerSelection)Error$/.test(name)) return true;
    cause = (cause as { driverError?: unknown; cause?: unknown }).driverError ?? (cause as { cause?: unknown }).cause;
  }
  return false;
}

/** Every failure leaves a service as an error code; unknown ones are logged here and never described. */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('RpcErrorFilter');

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => new RpcException(this.toBody(exception)).getError());
  }

  private toBody(exception: unknown): RpcErrorBody {
    if (exception instanceof RpcError) return exception.toBody();
    if (exception instanceof HttpException && HTTP_STATUS_CODES[exception.getStatus()]) {
      const response = exception.getResponse();
      const message = typeof response === 'object' && response !== null && 'message' in response ? (response.message as string | string[]) : exception.message;
      return { code: HTTP_STATUS_CODES[exception.getStatus()]!, message };
    }
    if (isDependencyUnavailable(exception)) {
      this.logger.warn(`A dependency is unavailable: ${exception instanceof Error ? exception.message : String(exception)}`);
      return { code: ErrorCode.SERVICE_UNAVAILABLE, message: 'Service unavailable' };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { code: ErrorCode.INTERNAL, message: 'Internal server error' };
  }
}
