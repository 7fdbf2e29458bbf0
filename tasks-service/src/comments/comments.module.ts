import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { UsersModule } from '../users/users.module.js';
import { CommentsHandler } from './comments.handler.js';
import { CommentsRepository } from './comments.repository.js';
import { CommentsService } from './comments.service.js';

/** Comments on tasks: visibility is the task's (TasksRepository, project roles, admins from auth-service). */
@Module({
  imports: [TasksModule, ProjectsModule, UsersModule],
  controllers: [CommentsHandler],
  providers: [CommentsService, CommentsRepository],
})
export class CommentsModule {}
