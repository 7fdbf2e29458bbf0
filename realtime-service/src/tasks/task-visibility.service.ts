import { Injectable, Logger } from '@nestjs/common';
import { ErrorCode, RpcError, TasksContract, type Ack } from '#contracts';
import { NatsRpcClient } from '#nats';

export const TASK_NOT_FOUND = 'Task not found';
export const UNAVAILABLE = 'Unavailable';

/** Asks tasks-service whether the user can see a task: the same rule as `GET /api/tasks/:id`. */
@Injectable()
export class TaskVisibility {
  private readonly logger = new Logger(TaskVisibility.name);

  constructor(private readonly nats: NatsRpcClient) {}

  /**
   * `accessToken` is the socket's own: tasks-service verifies it and answers for that user.
   * A visible task's project comes along (null for none), for leaving its room with the project.
   */
  async check(accessToken: string, taskId: string): Promise<Ack & { projectId?: string | null }> {
    try {
      const task = await this.nats.request(TasksContract.get, { taskId }, { accessToken });
      return { ok: true, projectId: task.projectId ?? null };
    } catch (error) {
      // Invisible and missing are the same answer, so ids cannot be probed.
      if (error instanceof RpcError && (error.code === ErrorCode.NOT_FOUND || error.code === ErrorCode.FORBIDDEN)) return { ok: false, error: TASK_NOT_FOUND };
      this.logger.warn(`Visibility check failed: ${error instanceof Error ? error.message : String(error)}`);
      return { ok: false, error: UNAVAILABLE };
    }
  }
}
