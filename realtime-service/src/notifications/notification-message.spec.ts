import { describe, expect, it } from '@jest/globals';
import { parseNotificationCreated } from './notification-message.js';

const userId = '3b241101-e2bb-4255-8caf-4136c566a962';
const notification = { id: 'n1', read: false };

describe('parseNotificationCreated', () => {
  it('reads the bare message and the Nest {pattern, data} packet', () => {
    expect(parseNotificationCreated({ userId, notification })).toEqual({ userId, notification });
    expect(parseNotificationCreated({ pattern: 'notifications.created', data: { userId, notification } })).toEqual({ userId, notification });
  });

  it('drops anything else', () => {
    expect(parseNotificationCreated(undefined)).toBeUndefined();
    expect(parseNotificationCreated({ userId: 'x', notification })).toBeUndefined();
    expect(parseNotificationCreated({ userId })).toBeUndefined();
  });
});
