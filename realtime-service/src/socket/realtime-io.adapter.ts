import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Namespace, Server, type ServerOptions } from 'socket.io';
import { REALTIME_MAX_MESSAGE_BYTES, REALTIME_PATH } from '#contracts';
import type { RedisAdapterClients } from '../redis/redis.module.js';
import { corkTransportSends, EndOfTurn, flushAtEndOfTurn, type EngineSocket } from './coalesced-writes.js';

export interface RealtimeIoOptions {
  corsOrigin: string[];
  redis: RedisAdapterClients;
}

/**
 * Socket.IO on the service's HTTP server (path `/socket.io`), CORS from the environment,
 * and the Redis adapter, so rooms and broadcasts span every replica.
 */
export class RealtimeIoAdapter extends IoAdapter {
  private readonly servers = new Set<Server>();
  private readonly endOfTurn = new EndOfTurn();

  constructor(
    app: INestApplicationContext,
    private readonly options: RealtimeIoOptions,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): Server {
    const server: Server = super.createIOServer(port, {
      ...options,
      path: REALTIME_PATH,
      serveClient: false,
      // The REST body limit, not Socket.IO's 1 MB default: a bigger message closes the connection.
      maxHttpBufferSize: REALTIME_MAX_MESSAGE_BYTES,
      cors: { origin: this.options.corsOrigin, credentials: true },
      adapter: createAdapter(this.options.redis.pub, this.options.redis.sub, { key: 'taskflow-realtime' }),
    } as ServerOptions);
    // A client's packets of one batch of events leave in one write (coalesced-writes.ts).
    server.engine.on('connection', (socket: EngineSocket) => {
      flushAtEndOfTurn(socket, this.endOfTurn);
      corkTransportSends(socket);
    });
    this.servers.add(server);
    return server;
  }

  /**
   * Nest hands a namespaced gateway's Namespace here, which has no `close`: close its
   * Server. `io.close()` drops every connection without a disconnect packet, so clients
   * reconnect on their own (to another replica), and unsubscribes the Redis adapter.
   */
  override async close(server: Server | Namespace): Promise<void> {
    const io = server instanceof Namespace ? server.server : server;
    if (!this.servers.delete(io)) return;
    await io.close();
  }
}
