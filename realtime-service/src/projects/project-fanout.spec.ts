import { describe, expect, it } from '@jest/globals';
import type { ProjectEvent } from '#contracts';
import { projectAudienceRooms, projectTaskRooms, toClientProjectEvent } from './project-fanout.js';

const manager = '11111111-1111-4111-8111-111111111111';
const viewer = '22222222-2222-4222-8222-222222222222';
const projectId = '33333333-3333-4333-8333-333333333333';
const taskA = '44444444-4444-4444-8444-444444444444';
const taskB = '55555555-5555-4555-8555-555555555555';

function event(overrides: Partial<ProjectEvent> = {}): ProjectEvent {
  return {
    eventId: '66666666-6666-4666-8666-666666666666',
    type: 'project.updated',
    projectId,
    actorId: manager,
    occurredAt: '2026-11-25T12:00:00.000Z',
    project: { id: projectId, name: 'P', description: '', ownerId: manager, version: 2, createdAt: '', updatedAt: '' },
    audience: [manager, viewer],
    requestId: null,
    ...overrides,
  };
}

describe('project fan-out', () => {
  it('reaches every member and the admins; a removal skips the removed member', () => {
    expect(projectAudienceRooms(event())).toEqual([`user:${manager}`, `user:${viewer}`, 'admins']);
    expect(projectAudienceRooms(event({ type: 'project.member_removed', member: { userId: viewer, role: 'viewer' } }))).toEqual([`user:${manager}`, 'admins']);
  });

  it('finds the task rooms a socket joined for the project, and strips the audience for clients', () => {
    expect(projectTaskRooms({ [taskA]: projectId, [taskB]: manager }, projectId)).toEqual([`task:${taskA}`]);
    expect(projectTaskRooms(undefined, projectId)).toEqual([]);
    expect(toClientProjectEvent(event())).not.toHaveProperty('audience');
  });
});
