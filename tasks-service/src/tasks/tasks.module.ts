import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProjectsModule } from '../projects/projects.module.js';
import { UsersModule } from '../users/users.module.js';
import { IdempotencyKeysSweeper } from './idempotency-keys.sweeper.js';
import { TaskAssignmentEntity, TaskEntity } from './task.entity.js';
import { TasksHandler } from './tasks.handler.js';
import { TasksRepository } from './tasks.repository.js';
import { TasksService } from './tasks.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([TaskEntity, TaskAssignmentEntity]), ProjectsModule, UsersModule],
  controllers: [TasksHandler],
  providers: [TasksService, TasksRepository, IdempotencyKeysSweeper],
  exports: [TasksRepository],
})
export class TasksModule {}
