import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { CommentsHandler } from './comments.handler.js';
import { CommentsRepository } from './comments.repository.js';
import { CommentsService } from './comments.service.js';

/** Comments on tasks: visibility is the task's (TasksRepository, project roles). */
@Module({
  imports: [TasksModule, ProjectsModule],
  controllers: [CommentsHandler],
  providers: [CommentsService, CommentsRepository],
})
export class CommentsModule {}
