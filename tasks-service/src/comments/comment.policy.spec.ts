import { describe, expect, it } from '@jest/globals';
import { canComment, canDeleteComment, invisibleMentions, newlyMentioned } from './comment.policy.js';

describe('comment policy', () => {
  it('lets everyone who sees the task comment, except project viewers', () => {
    expect((['admin', 'owner', 'manager', 'editor', 'assignee'] as const).every(canComment)).toBe(true);
    expect(canComment('viewer')).toBe(false);
    expect(canComment('none')).toBe(false);
  });

  it('lets the author, the owner, a manager or an admin delete; no one else', () => {
    expect(canDeleteComment('viewer', true)).toBe(true);
    expect((['admin', 'owner', 'manager'] as const).every((access) => canDeleteComment(access, false))).toBe(true);
    expect((['editor', 'assignee', 'viewer', 'none'] as const).some((access) => canDeleteComment(access, false))).toBe(false);
  });

  it('names the mentions who cannot see the task, each once', () => {
    expect(invisibleMentions(['a', 'b', 'b', 'c'], new Set(['a']))).toEqual(['b', 'c']);
    expect(invisibleMentions([], new Set())).toEqual([]);
  });

  it('notifies on edit only the users not mentioned before', () => {
    expect(newlyMentioned(['a', 'b'], ['b', 'c'])).toEqual(['c']);
    expect(newlyMentioned(['a'], ['a'])).toEqual([]);
  });
});
