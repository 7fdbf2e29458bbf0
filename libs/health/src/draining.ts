/** The part of a Fastify instance this needs (kept structural so libs need not depend on fastify). */
interface HookableServer {
  addHook(name: 'preClose', hook: (done: () => void) => void): unknown;
  addHook(name: 'onSend', hook: (request: unknown, reply: { header(name: string, value: string): unknown }, payload: unknown, done: (error: null, payload: unknown) => void) => void): unknown;
}

/**
 * While the server drains, answer with `Connection: close`: a keep-alive connection whose
 * request finishes after close() began would otherwise stay open and hold the shutdown
 * until the grace period kills the process.
 */
export function closeConnectionsWhileDraining(server: HookableServer): void {
  let draining = false;
  server.addHook('preClose', (done) => {
    draining = true;
    done();
  });
  server.addHook('onSend', (_request, reply, payload, done) => {
    if (draining) reply.header('connection', 'close');
    done(null, payload);
  });
}
