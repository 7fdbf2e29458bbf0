/** A class whose instances are the request: the target of validation at the service boundary. */
export type RequestClass<Req> = new () => Req;

/** A request-reply message: one subject, one request class, one response type. */
export interface RequestContract<Req, Res> {
  readonly subject: string;
  /** What a service validates the payload as (libs/nats `@Handles`), so no handler names it again. */
  readonly request: RequestClass<Req>;
  /** Phantom: carries the response type, never a value (many responses are interfaces or `null`). */
  readonly __response?: Res;
}

export type RequestOf<C> = C extends RequestContract<infer Req, unknown> ? Req : never;
export type ResponseOf<C> = C extends RequestContract<unknown, infer Res> ? Res : never;

/**
 * `defineRequest('tasks.get', TaskRequest).returns<TaskDto>()`: the request type is inferred
 * from its class, the response type is named once here (TypeScript cannot infer one type
 * argument and take the other, hence the second step).
 */
export function defineRequest<Req>(subject: string, request: RequestClass<Req>): { returns<Res>(): RequestContract<Req, Res> } {
  return { returns: () => ({ subject, request }) };
}

/** Every service answers `<service>.ping` so the gateway's readiness check can reach it. */
export interface PingResponse {
  service: string;
}
