import { defineEventStream } from '../define-event.js';
import { CommentEventContract } from './comment.events.js';
import { ProjectEventContract } from './project.events.js';
import { TaskEventContract } from './task.events.js';

export * from './auth.events.js';
export * from './comment.events.js';
export * from './notification.events.js';
export * from './project.events.js';
export * from './task.events.js';

/** TASK_EVENTS carries task, comment and project events, told apart by `type`. */
export const TaskStreamContract = defineEventStream({ task: TaskEventContract, comment: CommentEventContract, project: ProjectEventContract });
