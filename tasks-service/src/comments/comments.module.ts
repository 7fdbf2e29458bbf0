import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { UsersClient } from '../users/users.client.js';
import { CommentsHandler } from './comments.handler.js';
import { CommentsRepository } from './comments.repository.js';
import { CommentsService } from './comments.service.js';

/** Comments on tasks: visibility is the task's (TasksRepository, project roles, admins from auth-service). */
@Module({
  imports: [TasksModule, ProjectsModule],
  controllers: [CommentsHandler],
  providers: [CommentsService, CommentsRepository, UsersClient],
})
export class CommentsModule {}
