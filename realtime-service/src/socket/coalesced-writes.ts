/** What of engine.io's transport this touches (engine.io has no public type for it). */
export interface EngineTransport {
  name: string;
  send(packets: unknown[]): void;
  socket?: { _socket?: { cork(): void; uncork(): void } };
}

/** What of engine.io's Socket (one client connection) this touches. */
export interface EngineSocket {
  transport: EngineTransport;
  /** Hands the queued packets to the transport if it is writable; engine.io calls it after every packet. */
  flush(): void;
  /** `true`: drop the transport without flushing. */
  close(discard?: boolean): void;
  on(event: 'upgrade', listener: (transport: EngineTransport) => void): void;
}

/**
 * Runs tasks once the current turn of the event loop is done (setImmediate: after every I/O
 * callback of this turn, so after a whole batch of events, however it arrived), with one
 * timer for all of them.
 */
export class EndOfTurn {
  private tasks: Array<() => void> = [];

  add(task: () => void): void {
    if (this.tasks.length === 0) setImmediate(this.run);
    this.tasks.push(task);
  }

  private readonly run = (): void => {
    const tasks = this.tasks;
    this.tasks = [];
    for (const task of tasks) task();
  };
}

/**
 * engine.io flushes a client's queue after every packet: the first event of a batch leaves in
 * a write of its own and the rest queue behind it until that write completes, so a client that
 * gets several events of a batch costs two writes (each with its stream bookkeeping, write
 * callbacks and drain events), at 1,000 sockets most of realtime-service's CPU per event
 * (bench/README.md). Here a client's flushes wait for the end of the turn, so its packets of a
 * batch leave together; the order of its packets is engine.io's queue's, unchanged.
 *
 * A flush that throws (the connection broke under it) drops that connection instead of
 * escaping from the timer: the client reconnects, as after any lost connection.
 */
export function flushAtEndOfTurn(socket: EngineSocket, turn: EndOfTurn): void {
  const flushNow = socket.flush.bind(socket);
  let queued = false;
  const run = () => {
    queued = false;
    try {
      flushNow();
    } catch {
      socket.close(true);
    }
  };
  socket.flush = () => {
    if (queued) return;
    queued = true;
    turn.add(run);
  };
}

/**
 * engine.io's WebSocket transport writes each packet it is handed (a client's events of one
 * batch, see flushAtEndOfTurn) with a write of its own, one syscall per packet. Corking the TCP
 * socket around the transport's send makes them one write.
 */
export function corkTransportSends(socket: EngineSocket): void {
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
