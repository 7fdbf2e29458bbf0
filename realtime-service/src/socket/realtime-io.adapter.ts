import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Namespace, Server, type ServerOptions } from 'socket.io';
import { REALTIME_MAX_MESSAGE_BYTES, REALTIME_PATH } from '#contracts';
import type { RedisAdapterClients } from '../redis/redis.module.js';

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
    server.engine.on('connection', writeQueuedPacketsTogether);
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

interface EngineTransport {
  name: string;
  send(packets: unknown[]): void;
  socket?: { _socket?: { cork(): void; uncork(): void } };
}

/**
 * engine.io's WebSocket transport writes each packet queued for a client (those emitted while
 * its previous write was in flight: a batch of events) with a write of its own, one syscall
 * per packet. Corking the TCP socket around the transport's send makes them one write: at
 * 1,000 sockets the writes are most of the service's CPU per event (bench/README.md).
 */
function writeQueuedPacketsTogether(socket: { transport: EngineTransport; on(event: 'upgrade', listener: (transport: EngineTransport) => void): void }): void {
  const cork = (transport: EngineTransport) => {
    if (transport.name !== 'websocket') return;
    const send = transport.send.bind(transport);
    transport.send = (packets) => {
      const tcp = packets.length > 1 ? transport.socket?._socket : undefined;
      tcp?.cork();
      try {
        send(packets);
      } finally {
        tcp?.uncork();
      }
    };
  };
  cork(socket.transport);
  socket.on('upgrade', cork);
}
