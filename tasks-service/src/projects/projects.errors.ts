import { ErrorCode, RpcError, type ProjectConflictDetails, type ProjectDto } from '#contracts';

/** Also for projects the caller is not a member of: their existence is never revealed. */
export const projectNotFound = () => new RpcError(ErrorCode.NOT_FOUND, 'Project not found');
export const memberNotFound = () => new RpcError(ErrorCode.NOT_FOUND, 'Member not found');
export const managersOnly = (action: string) => new RpcError(ErrorCode.FORBIDDEN, `Only a manager of the project or an admin may ${action}`);
export const lastManager = () => new RpcError(ErrorCode.CONFLICT, 'A project keeps at least one manager: promote another member first');
export const projectVersionConflict = (current: ProjectDto) =>
  new RpcError(ErrorCode.CONFLICT, 'Project was changed by someone else; reload it and retry', { current } satisfies ProjectConflictDetails);
export const unknownUser = () => new RpcError(ErrorCode.VALIDATION, ['userId does not refer to an existing user']);
