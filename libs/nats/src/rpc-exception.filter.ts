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
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { code: ErrorCode.INTERNAL, message: 'Internal server error' };
  }
}
