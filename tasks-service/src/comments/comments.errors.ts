import { ErrorCode, RpcError } from '#contracts';

/** Also for a comment on a task the caller may not see. */
export const commentNotFound = () => new RpcError(ErrorCode.NOT_FOUND, 'Comment not found');
export const viewersMayNotComment = () => new RpcError(ErrorCode.FORBIDDEN, 'Viewers of the project may not comment on its tasks');
export const authorOnlyEdit = () => new RpcError(ErrorCode.FORBIDDEN, 'Only the author may edit a comment');
export const deleteNotAllowed = () =>
  new RpcError(ErrorCode.FORBIDDEN, "Only the author, the task's owner, a manager of its project or an admin may delete a comment");
export const mentionsNotVisible = (ids: string[]) =>
  new RpcError(ErrorCode.VALIDATION, [`mentionIds must be users who can see the task (not ${ids.join(', ')})`]);
