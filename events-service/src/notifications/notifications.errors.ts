import { ErrorCode, RpcError } from '#contracts';

/** Unknown and someone else's notification look the same, so ids cannot be probed. */
export const notificationNotFound = () => new RpcError(ErrorCode.NOT_FOUND, 'Notification not found');
