import type { CreateTaskBody, TaskDto } from '#contracts';
import type { Api } from './api.js';

/** Creates a task through the gateway as the holder of `token`; throws unless 201. */
export async function createTask(api: Api, token: string, body: Partial<CreateTaskBody> = {}): Promise<TaskDto> {
  const response = await api.post<TaskDto>('/api/tasks', { title: 'A task', ...body }, { token });
  if (response.status !== 201) throw new Error(`create task failed: ${response.status} ${response.text}`);
  return response.body;
}

/** Assigns `userId` to a task through the gateway; throws unless 201. */
export async function assignTask(api: Api, token: string, taskId: string, userId: string): Promise<TaskDto> {
  const response = await api.post<TaskDto>(`/api/tasks/${taskId}/assignees`, { userId }, { token });
  if (response.status !== 201) throw new Error(`assign failed: ${response.status} ${response.text}`);
  return response.body;
}
