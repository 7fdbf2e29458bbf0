/** A request-reply message: one subject, one request type, one response type. */
export interface RequestContract<Req, Res> {
  readonly subject: string;
  /** Phantom fields: they carry the types, never a value. */
  readonly __request?: Req;
  readonly __response?: Res;
}

export type RequestOf<C> = C extends RequestContract<infer Req, unknown> ? Req : never;
export type ResponseOf<C> = C extends RequestContract<unknown, infer Res> ? Res : never;

export function defineRequest<Req, Res>(subject: string): RequestContract<Req, Res> {
  return { subject };
}

/** Every service answers `<service>.ping` so the gateway's readiness check can reach it. */
export interface PingResponse {
  service: string;
}
