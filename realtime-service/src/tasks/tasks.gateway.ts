import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { AccessTokenVerifier } from '#auth';
import { REALTIME_NAMESPACE, REALTIME_PATH, type Ack, type CommentEvent, type NotificationDto, type ProjectEvent, type SessionRevocationReason, type TaskEvent } from '#contracts';
import { RealtimeMetrics } from '../metrics/realtime-metrics.service.js';
import { COMMENT_CLIENT_EVENTS, toClientCommentEvent } from '../comments/comment-fanout.js';
import { PROJECT_CLIENT_EVENTS, projectAudienceRooms, projectTaskRooms, removedMember, toClientProjectEvent } from '../projects/project-fanout.js';
import { PresenceService } from '../presence/presence.service.js';
import { sessionRoom } from '../sessions/session-revocation.js';
import { RevokedSessions } from '../socket/revoked-sessions.js';
import { msUntilExpiry, socketAuthMiddleware, type TasksNamespace, type TasksSocket } from '../socket/socket-auth.js';
import {
  ADMINS_ROOM,
  audienceRooms,
  emitLagSeconds,
  endsAllSubscriptions,
  isUuid,
  TASK_CLIENT_EVENTS,
  taskRoom,
  toClientEvent,
  userRoom,
  usersLosingAccess,
} from './task-fanout.js';
import { TaskVisibility } from './task-visibility.service.js';

const INVALID_TASK_ID = 'taskId must be a UUID';

/**
 * Namespace `/tasks`. CORS, the path's server and the Redis adapter come from
 * RealtimeIoAdapter; this class authenticates sockets, places them in rooms and emits.
 */
@WebSocketGateway({ namespace: REALTIME_NAMESPACE, path: REALTIME_PATH })
export class TasksGateway implements OnGatewayInit<TasksNamespace>, OnGatewayConnection<TasksSocket>, OnGatewayDisconnect<TasksSocket> {
  private readonly logger = new Logger(TasksGateway.name);
  /** socketId → the timer that ends the socket when its token expires. */
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();

  @WebSocketServer() private readonly server!: TasksNamespace;

  constructor(
    private readonly tokens: AccessTokenVerifier,
    private readonly presence: PresenceService,
    private readonly visibility: TaskVisibility,
    private readonly metrics: RealtimeMetrics,
    private readonly revoked: RevokedSessions,
  ) {}

  afterInit(server: TasksNamespace): void {
    server.use(socketAuthMiddleware(this.tokens, this.revoked));
  }

  /** Synchronous up to the joins, so an event emitted right after `connect` already finds the socket. */
  handleConnection(socket: TasksSocket): void {
    const user = socket.data.user;
    const rooms = [userRoom(user.id), sessionRoom(user.sessionId)];
    void socket.join(user.role === 'admin' ? [...rooms, ADMINS_ROOM] : rooms);
    this.scheduleExpiry(socket);
    this.metrics.connectedSockets.inc();
    void this.presence.connected(socket.id, user.id);
    void this.endIfRevoked(socket);
  }

  handleDisconnect(socket: TasksSocket): void {
    clearTimeout(this.expiryTimers.get(socket.id));
    this.expiryTimers.delete(socket.id);
    this.metrics.connectedSockets.dec();
    const user = socket.data.user;
    if (user) void this.presence.disconnected(socket.id, user.id);
  }

  @SubscribeMessage('task:subscribe')
  async subscribe(@ConnectedSocket() socket: TasksSocket, @MessageBody() payload: unknown): Promise<Ack> {
    const taskId = (payload as { taskId?: unknown } | null)?.taskId;
    if (!isUuid(taskId)) return { ok: false, error: INVALID_TASK_ID };
    const { projectId, ...result } = await this.visibility.check(socket.data.accessToken, taskId);
    if (result.ok && socket.connected) {
      if (projectId) socket.data.projectTasks = { ...socket.data.projectTasks, [taskId]: projectId };
      await socket.join(taskRoom(taskId));
    }
    return result;
  }

  @SubscribeMessage('task:unsubscribe')
  async unsubscribe(@ConnectedSocket() socket: TasksSocket, @MessageBody() payload: unknown): Promise<Ack> {
    const taskId = (payload as { taskId?: unknown } | null)?.taskId;
    if (!isUuid(taskId)) return { ok: false, error: INVALID_TASK_ID };
    await socket.leave(taskRoom(taskId));
    return { ok: true };
  }

  /**
   * One emit to the union of rooms: Socket.IO (and the Redis adapter, on every replica)
   * delivers it once per socket, however many of the rooms the socket is in.
   */
  emitTaskEvent(event: TaskEvent): void {
    const name = TASK_CLIENT_EVENTS[event.type];
    this.server.to(audienceRooms(event)).emit(name, toClientEvent(event));
    // Whoever lost sight of the task stops receiving it as a subscriber.
    for (const userId of usersLosingAccess(event)) this.server.in(userRoom(userId)).socketsLeave(taskRoom(event.taskId));
    if (endsAllSubscriptions(event)) this.server.in(taskRoom(event.taskId)).socketsLeave(taskRoom(event.taskId));
    this.metrics.eventsEmitted.inc({ event: name });
    this.metrics.emitLag.observe({ event: name }, emitLagSeconds(event.occurredAt));
  }

  /** Comment events reach the sockets a task event of the same task would reach, once per socket. */
  emitCommentEvent(event: CommentEvent): void {
    const name = COMMENT_CLIENT_EVENTS[event.type];
    this.server.to(audienceRooms(event)).emit(name, toClientCommentEvent(event));
    this.metrics.eventsEmitted.inc({ event: name });
    this.metrics.emitLag.observe({ event: name }, emitLagSeconds(event.occurredAt));
  }

  /**
   * Project events to the members' sockets and admins. A removed member gets
   * `project:removed` instead, and their sockets, on every replica, leave the rooms of the
   * project's tasks they had subscribed to; task events of the project no longer name them
   * in their audience, so nothing more of it reaches them.
   */
  async emitProjectEvent(event: ProjectEvent): Promise<void> {
    const name = PROJECT_CLIENT_EVENTS[event.type];
    this.server.to(projectAudienceRooms(event)).emit(name, toClientProjectEvent(event));
    this.metrics.eventsEmitted.inc({ event: name });
    const removed = removedMember(event);
    if (removed) {
      this.server.to(userRoom(removed)).emit('project:removed', { projectId: event.projectId });
      this.metrics.eventsEmitted.inc({ event: 'project:removed' });
      for (const socket of await this.server.in(userRoom(removed)).fetchSockets()) {
        const rooms = projectTaskRooms(socket.data.projectTasks, event.projectId);
        for (const room of rooms) socket.leave(room);
      }
    }
  }

  emitNotification(userId: string, notification: NotificationDto): void {
    this.server.to(userRoom(userId)).emit('notification:new', notification);
    this.metrics.eventsEmitted.inc({ event: 'notification:new' });
  }

  /**
   * Every socket of these logins, on every replica, learns why and is then disconnected
   * (the whole connection closed, so nothing rests on the client's cooperation). The Redis
   * adapter publishes both on one connection, so every replica sees them in this order.
   */
  endSessions(sessionIds: string[], reason: SessionRevocationReason): void {
    if (sessionIds.length === 0) return;
    const rooms = sessionIds.map(sessionRoom);
    this.server.to(rooms).emit('session:revoked', { reason });
    this.server.in(rooms).disconnectSockets(true);
    this.metrics.eventsEmitted.inc({ event: 'session:revoked' });
  }

  /**
   * The handshake checked the login before the socket joined its session room; a revocation
   * handled in between disconnected the room without this socket. Its Redis entry is written
   * before that disconnect, so checking again after the join closes the gap.
   */
  private async endIfRevoked(socket: TasksSocket): Promise<void> {
    const reason = await this.revoked.reasonFor(socket.data.user.sessionId);
    if (reason === undefined || !socket.connected) return;
    socket.emit('session:revoked', { reason });
    socket.disconnect(true);
  }

  /** At the token's expiry: tell the client, then disconnect it (it must reconnect with a fresh token). */
  private scheduleExpiry(socket: TasksSocket): void {
    const timer = setTimeout(() => {
      this.expiryTimers.delete(socket.id);
      if (!socket.connected) return;
      if (msUntilExpiry(socket.data.user.expiresAt) > 0) return this.scheduleExpiry(socket);
      this.logger.debug(`Token expired for socket ${socket.id}`);
      socket.emit('auth:expired');
      socket.disconnect();
    }, msUntilExpiry(socket.data.user.expiresAt));
    this.expiryTimers.set(socket.id, timer);
  }
}
