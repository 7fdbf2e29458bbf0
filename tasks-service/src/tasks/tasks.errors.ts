import { ErrorCode, RpcError, type TaskConflictDetails, type TaskDto } from '#contracts';

/** Also for tasks the caller may not see: their existence is never revealed (404, not 403). */
export const taskNotFound = () => new RpcError(ErrorCode.NOT_FOUND, 'Task not found');
export const ownerOrAdminOnly = (action: string) => new RpcError(ErrorCode.FORBIDDEN, `Only the task's owner or an admin may ${action}`);
export const editorsOnly = (action: string) =>
  new RpcError(ErrorCode.FORBIDDEN, `Only the task's owner, an editor or manager of its project or an admin may ${action}`);
export const managersOnlyDelete = () => new RpcError(ErrorCode.FORBIDDEN, "Only the task's owner, a manager of its project or an admin may delete it");
export const viewersReadOnly = () => new RpcError(ErrorCode.FORBIDDEN, 'Viewers of the project may not change its tasks');
export const projectNotFoundForTask = () => new RpcError(ErrorCode.NOT_FOUND, 'Project not found');
export const projectEditorsOnly = () => new RpcError(ErrorCode.FORBIDDEN, 'Only editors and managers of a project may put tasks in it or take them out');
export const assigneeNotMember = () => new RpcError(ErrorCode.VALIDATION, ['assignees of a project task must be members of the project']);
export const assigneeStatusOnly = (fields: string[]) =>
  new RpcError(ErrorCode.FORBIDDEN, `Assignees may change only the status (not ${fields.join(', ')})`);
export const nothingToChange = () => new RpcError(ErrorCode.VALIDATION, ['nothing to change']);
export const versionConflict = (current: TaskDto) =>
  new RpcError(ErrorCode.CONFLICT, 'Task was changed by someone else; reload it and retry', { current } satisfies TaskConflictDetails);
export const unknownAssignee = () => new RpcError(ErrorCode.VALIDATION, ['userId does not refer to an existing user']);
/** The gateway has answered 504 (or is about to): nothing was written, a retry is safe. */
export const outOfTime = () => new RpcError(ErrorCode.TIMEOUT, 'The request ran out of time; nothing was changed');
/** 409 (not 422): the key is taken by another request, as a unique value is; retry with a new key. */
export const idempotencyKeyReused = () => new RpcError(ErrorCode.CONFLICT, 'Idempotency-Key was already used with a different request body');
/** A PATCH that sets a field which cannot be empty to null: 400, not the database's NOT NULL as a 500. */
export const nullNotAllowed = (fields: string[]) => new RpcError(ErrorCode.VALIDATION, fields.map((field) => `${field} must not be null`));
