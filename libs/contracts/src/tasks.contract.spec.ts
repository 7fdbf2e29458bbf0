import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateTaskRequest, UpdateTaskBody, UpdateTaskRequest } from './tasks.contract.js';

const invalidFields = (target: new () => object, plain: object) => validateSync(plainToInstance(target, plain)).map((error) => error.property);

// The version rule lives here: optional over HTTP (it may come as If-Match instead), required in
// the request tasks-service receives. tasks-service has no check of its own.
describe('the version of a task update', () => {
  it('may be left out of the PATCH body (If-Match can carry it)', () => {
    expect(invalidFields(UpdateTaskBody, { status: 'done' })).toEqual([]);
    expect(invalidFields(UpdateTaskBody, { status: 'done', version: 0 })).toEqual(['version']);
  });

  it('is required in tasks.update', () => {
    const taskId = randomUUID();
    expect(invalidFields(UpdateTaskRequest, { taskId, status: 'done' })).toEqual(['version']);
    expect(invalidFields(UpdateTaskRequest, { taskId, status: 'done', version: 0 })).toEqual(['version']);
    expect(invalidFields(UpdateTaskRequest, { taskId, status: 'done', version: 3 })).toEqual([]);
  });
});

// Events carry dates in their four-digit ISO form: a later due date is refused up front (400),
// not found out when the task's event is written.
describe('a due date', () => {
  it('must have a four-digit year in UTC', () => {
    expect(invalidFields(CreateTaskRequest, { title: 'a', dueDate: '9999-12-31T23:59:59Z' })).toEqual([]);
    expect(invalidFields(CreateTaskRequest, { title: 'a', dueDate: '9999-12-31T23:00:00-14:00' })).toEqual(['dueDate']);
    expect(invalidFields(UpdateTaskBody, { dueDate: '9999-12-31T23:00:00-14:00' })).toEqual(['dueDate']);
    expect(invalidFields(UpdateTaskBody, { dueDate: null })).toEqual([]);
  });
});
