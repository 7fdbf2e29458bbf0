import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProjectsModule } from '../projects/projects.module.js';
import { UsersClient } from '../users/users.client.js';
import { IdempotencyKeysSweeper } from './idempotency-keys.sweeper.js';
import { TaskAssignmentEntity, TaskEntity } from './task.entity.js';
import { TasksHandler } from './tasks.handler.js';
import { TasksRepository } from './tasks.repository.js';
import { TasksService } from './tasks.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([TaskEntity, TaskAssignmentEntity]), ProjectsModule],
  controllers: [TasksHandler],
  providers: [TasksService, TasksRepository, UsersClient, IdempotencyKeysSweeper],
  exports: [TasksRepository],
})
export class TasksModule {}
