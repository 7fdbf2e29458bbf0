import type { NotificationCreatedMessage } from '#contracts';
import { isUuid } from '../tasks/task-fanout.js';

/**
 * The message on NOTIFICATION_CREATED_SUBJECT: the bare NotificationCreatedMessage, or the
 * same wrapped in Nest's `{pattern, data}` packet (as a ClientProxy.emit sends it).
 */
export function parseNotificationCreated(raw: unknown): NotificationCreatedMessage | undefined {
  const candidate =
    typeof raw === 'object' && raw !== null && 'pattern' in raw && 'data' in raw ? (raw as { data: unknown }).data : raw;
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const { userId, notification } = candidate as Partial<NotificationCreatedMessage>;
  if (!isUuid(userId) || typeof notification !== 'object' || notification === null) return undefined;
  return { userId, notification };
}
