import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ErrorCode, RpcError, type RequestClass } from '#contracts';

function messages(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}).map((message) => (prefix ? `${prefix}.${message}` : message)),
    ...messages(error.children ?? [], prefix ? `${prefix}.${error.property}` : error.property),
  ]);
}

/**
 * Payloads are checked again at the service boundary: the gateway is not the only possible
 * caller. `request` is the class to check against: the contract's, whatever the parameter's type.
 */
export function rpcValidationPipe(request: RequestClass<unknown>): ValidationPipe {
  return new ValidationPipe({
    expectedType: request,
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new RpcError(ErrorCode.VALIDATION, messages(errors)),
  });
}
