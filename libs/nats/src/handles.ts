import { type ArgumentMetadata, applyDecorators, type PipeTransform, UseFilters, UseGuards, UseInterceptors, UsePipes, type ValidationPipe } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { RequestClass, RequestContract, RequestOf, ResponseOf } from '#contracts';
import { RpcMetricsInterceptor } from '#health';
import { CallerGuard } from './caller.js';
import { NatsRequestContextInterceptor } from './request-context.interceptor.js';
import { RpcErrorFilter } from './rpc-exception.filter.js';
import { rpcValidationPipe } from './validation.js';

/**
 * Validates the payload as the contract's request class, whatever type the handler's
 * parameter is written with. Only the payload: `@Caller()` and the NATS context pass through.
 */
class ContractPayloadPipe implements PipeTransform {
  private readonly validation: ValidationPipe;

  constructor(request: RequestClass<unknown>) {
    this.validation = rpcValidationPipe(request);
  }

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    // Nest hands pipes an RPC payload as 'body'; @Caller() and @Ctx() come as 'custom'.
    return metadata.type === 'body' ? this.validation.transform(value, metadata) : value;
  }
}

type Answer<C> = ResponseOf<C> | Promise<ResponseOf<C>>;

/**
 * A handler of contract C: takes its request first (any further parameters are its own, e.g.
 * `@Caller()`) and answers its response. Where the request has no field, the handler may read
 * no payload at all (`me(@Caller() actor)`): there is nothing to mistype.
 */
export type ContractHandler<C> =
  | ((request: RequestOf<C>, ...rest: never[]) => Answer<C>)
  | ([keyof RequestOf<C>] extends [never] ? (...rest: never[]) => Answer<C> : never);

/**
 * Binds a NATS handler to its request contract: the subject, the payload validated as the
 * contract's request class, the caller's token verified (unless @ServiceCall()), request id,
 * deadline and metrics, errors answered as `{code, message}`. The same plumbing in every
 * service, hybrid ones included, so a handler cannot be wired without it; and the compiler
 * checks the handler's request parameter and its answer against the contract.
 */
export function Handles<C extends RequestContract<unknown, unknown>>(contract: C) {
  const decorate = applyDecorators(
    MessagePattern(contract.subject),
    UseGuards(CallerGuard),
    UseFilters(RpcErrorFilter),
    // Outermost first: an expired request is refused before it is timed.
    UseInterceptors(NatsRequestContextInterceptor, RpcMetricsInterceptor),
    UsePipes(new ContractPayloadPipe(contract.request)),
  );
  return <M extends ContractHandler<C>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>): void => {
    decorate(target, key, descriptor);
  };
}
