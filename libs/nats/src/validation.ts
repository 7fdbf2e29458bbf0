import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ErrorCode, RpcError } from '#contracts';

function messages(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}).map((message) => (prefix ? `${prefix}.${message}` : message)),
    ...messages(error.children ?? [], prefix ? `${prefix}.${error.property}` : error.property),
  ]);
}

/** Payloads are checked again at the service boundary: the gateway is not the only possible caller. */
export function rpcValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new RpcError(ErrorCode.VALIDATION, messages(errors)),
  });
}
