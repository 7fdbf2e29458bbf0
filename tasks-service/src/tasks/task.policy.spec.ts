import { describe, expect, it } from '@jest/globals';
import { accessOf, canDelete, canManage, canSee, forbiddenFields } from './task.policy.js';

const owner = '11111111-1111-4111-8111-111111111111';
const assignee = '22222222-2222-4222-8222-222222222222';
const stranger = '33333333-3333-4333-8333-333333333333';
const task = { ownerId: owner };

describe('task policy', () => {
  it('sees owner, assignee and admin; nobody else', () => {
    expect(accessOf({ id: owner, role: 'member' }, task, [assignee])).toBe('owner');
    expect(accessOf({ id: assignee, role: 'member' }, task, [assignee])).toBe('assignee');
    expect(accessOf({ id: stranger, role: 'admin' }, task, [assignee])).toBe('admin');
    expect(accessOf({ id: stranger, role: 'member' }, task, [assignee])).toBe('none');
    expect(canSee('none')).toBe(false);
    expect(['owner', 'assignee', 'admin'].every((a) => canSee(a as never))).toBe(true);
  });

  it('lets owner and admin manage, not an assignee', () => {
    expect(canManage('owner')).toBe(true);
    expect(canManage('admin')).toBe(true);
    expect(canManage('assignee')).toBe(false);
    expect(canManage('none')).toBe(false);
  });

  it('lets an assignee send only status', () => {
    expect(forbiddenFields('assignee', ['status'])).toEqual([]);
    expect(forbiddenFields('assignee', ['status', 'title', 'dueDate'])).toEqual(['title', 'dueDate']);
    expect(forbiddenFields('owner', ['status', 'title', 'description', 'priority', 'dueDate'])).toEqual([]);
    expect(forbiddenFields('admin', ['title'])).toEqual([]);
  });

  it('treats an owner who is also assigned as the owner', () => {
    expect(accessOf({ id: owner, role: 'member' }, task, [owner])).toBe('owner');
  });
});

describe('task policy in a project', () => {
  const member = '44444444-4444-4444-8444-444444444444';
  it('ranks project roles between owner and assignee, a viewer who is assigned as an assignee', () => {
    expect(accessOf({ id: member, role: 'member' }, task, [], 'manager')).toBe('manager');
    expect(accessOf({ id: member, role: 'member' }, task, [member], 'editor')).toBe('editor');
    expect(accessOf({ id: member, role: 'member' }, task, [member], 'viewer')).toBe('assignee');
    expect(accessOf({ id: member, role: 'member' }, task, [], 'viewer')).toBe('viewer');
    expect(accessOf({ id: owner, role: 'member' }, task, [], 'viewer')).toBe('owner');
  });

  it('lets editors change and (un)assign but not delete; viewers see only', () => {
    expect(canManage('editor')).toBe(true);
    expect(canDelete('editor')).toBe(false);
    expect(canDelete('manager')).toBe(true);
    expect(canSee('viewer')).toBe(true);
    expect(canManage('viewer')).toBe(false);
    expect(forbiddenFields('viewer', ['status'])).toEqual(['status']);
    expect(forbiddenFields('editor', ['title', 'status'])).toEqual([]);
  });
});
