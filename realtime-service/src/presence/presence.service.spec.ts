import { describe, expect, it } from '@jest/globals';
import { visiblePresence } from './presence.service.js';

const me = { id: 'a0000000-0000-4000-8000-000000000001', role: 'member' as const };
const colleague = 'a0000000-0000-4000-8000-000000000002';
const stranger = 'a0000000-0000-4000-8000-000000000003';
const entries = [
  { userId: stranger, lastSeenMs: Date.parse('2026-11-25T12:00:00.000Z') },
  { userId: colleague, lastSeenMs: Date.parse('2026-11-25T12:00:01.000Z') },
  { userId: me.id, lastSeenMs: Date.parse('2026-11-25T12:00:02.000Z') },
];

describe('visiblePresence', () => {
  it('shows admins everyone online, sorted by user id', () => {
    expect(visiblePresence(entries, { ...me, role: 'admin' }, null).items.map((item) => item.userId)).toEqual([me.id, colleague, stranger]);
  });

  it('shows a member their collaborators and themselves', () => {
    expect(visiblePresence(entries, me, new Set([colleague]))).toEqual({
      items: [
        { userId: me.id, lastSeenAt: '2026-11-25T12:00:02.000Z' },
        { userId: colleague, lastSeenAt: '2026-11-25T12:00:01.000Z' },
      ],
    });
  });

  it('shows a member only themselves when collaborators are unknown', () => {
    expect(visiblePresence(entries, me, null).items.map((item) => item.userId)).toEqual([me.id]);
  });
});
