import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_ENV } from '#config';
import { ErrorCode, RpcError, TasksContract, type Actor, type PresenceResponseDto } from '#contracts';
import { NatsRpcClient } from '#nats';
import type { RealtimeEnv } from '../config/realtime.env.js';
import { PresenceRepository, type PresenceEntry } from './presence.repository.js';

/** Who may see whom: admins everyone, members the users they share a task with (and themselves). */
export function visiblePresence(entries: PresenceEntry[], actor: Actor, collaborators: ReadonlySet<string> | null): PresenceResponseDto {
  const visible = actor.role === 'admin' ? entries : entries.filter((entry) => entry.userId === actor.id || collaborators?.has(entry.userId));
  return {
    items: visible
      .map((entry) => ({ userId: entry.userId, lastSeenAt: new Date(entry.lastSeenMs).toISOString() }))
      .sort((a, b) => a.userId.localeCompare(b.userId)),
  };
}

/**
 * Tracks this replica's sockets in Redis and refreshes them every half TTL; a replica that
 * dies stops refreshing, so its users fall out of presence within PRESENCE_TTL_S.
 */
@Injectable()
export class PresenceService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PresenceService.name);
  /** socketId → userId, for this replica only. */
  private readonly local = new Map<string, string>();
  private heartbeat?: NodeJS.Timeout;
  private failing = false;

  constructor(
    private readonly repository: PresenceRepository,
    private readonly nats: NatsRpcClient,
    @Inject(APP_ENV) private readonly env: RealtimeEnv,
  ) {}

  private get ttlMs(): number {
    return this.env.PRESENCE_TTL_S * 1000;
  }

  onApplicationBootstrap(): void {
    this.heartbeat = setInterval(() => void this.refreshAll(), this.ttlMs / 2);
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  async connected(socketId: string, userId: string): Promise<void> {
    this.local.set(socketId, userId);
    await this.guard(() => this.repository.refresh([{ socketId, userId }], this.ttlMs));
  }

  async disconnected(socketId: string, userId: string): Promise<void> {
    if (!this.local.delete(socketId)) return;
    await this.guard(() => this.repository.remove(socketId, userId));
  }

  async visibleTo(actor: Actor): Promise<PresenceResponseDto> {
    let entries: PresenceEntry[];
    try {
      entries = await this.repository.online(this.ttlMs);
    } catch (error) {
      this.logger.warn(`Presence unavailable: ${String(error)}`);
      throw new RpcError(ErrorCode.SERVICE_UNAVAILABLE, 'Presence is unavailable');
    }
    if (actor.role === 'admin') return visiblePresence(entries, actor, null);
    return visiblePresence(entries, actor, await this.collaborators(actor));
  }

  /** Users sharing a task with the actor; if tasks-service cannot say, nobody but the actor. */
  private async collaborators(actor: Actor): Promise<ReadonlySet<string> | null> {
    try {
      return new Set(await this.nats.request(TasksContract.collaborators, {}));
    } catch (error) {
      this.logger.warn(`tasks.collaborators failed (${error instanceof Error ? error.message : String(error)}); presence limited to the caller`);
      return null;
    }
  }

  private async refreshAll(): Promise<void> {
    const sockets = [...this.local].map(([socketId, userId]) => ({ socketId, userId }));
    await this.guard(() => this.repository.refresh(sockets, this.ttlMs));
  }

  /** Presence is best effort: a Redis outage is logged once, never breaks a connection. */
  private async guard(operation: () => Promise<unknown>): Promise<void> {
    try {
      await operation();
      if (this.failing) this.logger.log('Presence updates resumed');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn(`Presence update failed: ${error instanceof Error ? error.message : String(error)}`);
      this.failing = true;
    }
  }
}
