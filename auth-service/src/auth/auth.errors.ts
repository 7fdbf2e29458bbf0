import { ErrorCode, RpcError } from '#contracts';

/** One message for unknown email and wrong password: the answer must not tell them apart. */
export const invalidCredentials = () => new RpcError(ErrorCode.UNAUTHORIZED, 'Invalid email or password');
export const invalidRefreshToken = () => new RpcError(ErrorCode.UNAUTHORIZED, 'Invalid or expired refresh token');
// Not 401: a client would take that for an expired session and try to refresh.
export const wrongCurrentPassword = () => new RpcError(ErrorCode.VALIDATION, ['currentPassword is incorrect']);
export const emailTaken = () => new RpcError(ErrorCode.CONFLICT, 'Email is already registered');
export const userGone = () => new RpcError(ErrorCode.UNAUTHORIZED, 'User no longer exists');
export const userNotFound = () => new RpcError(ErrorCode.NOT_FOUND, 'User not found');
export const adminOnly = () => new RpcError(ErrorCode.FORBIDDEN, 'Admins only');
