import { Api, type TestUser } from './api.js';
import { connected, EventLog, realtimeClient, type RealtimeClient } from './realtime.js';
import { freePort, startStack, type ServiceName, type Stack } from './stack.js';

/**
 * A stack (gateway and `backends`) with realtime-service on a port of its own, and the sockets
 * a test opened to it: `disconnectAll` after each test, `close` after all.
 */
export class RealtimeStack {
  private readonly sockets: RealtimeClient[] = [];

  private constructor(
    readonly stack: Stack,
    readonly api: Api,
    readonly realtimeUrl: string,
  ) {}

  /** `overrides` reach every process (startStack), e.g. a NATS cluster's NATS_URL. */
  static async start(backends: ServiceName[], overrides: Record<string, string> = {}): Promise<RealtimeStack> {
    const stack = await startStack(overrides, backends);
    try {
      const port = await freePort();
      await stack.start('realtime-service', { PORT: String(port) });
      return new RealtimeStack(stack, new Api(stack.baseUrl), `http://127.0.0.1:${port}`);
    } catch (error) {
      await stack.close();
      throw error;
    }
  }

  /** A connected socket of this user. */
  connect(user: TestUser): Promise<RealtimeClient> {
    const socket = realtimeClient(this.realtimeUrl, user.accessToken);
    this.sockets.push(socket);
    return connected(socket);
  }

  /** A connected socket of this user, and the log of what it receives from the start. */
  async listen(user: TestUser): Promise<EventLog> {
    const socket = realtimeClient(this.realtimeUrl, user.accessToken);
    this.sockets.push(socket);
    const log = new EventLog(socket);
    await connected(socket);
    return log;
  }

  disconnectAll(): void {
    for (const socket of this.sockets.splice(0)) socket.disconnect();
  }

  close(): Promise<void> {
    this.disconnectAll();
    return this.stack.close();
  }
}
