import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module.js';
import { ProjectEntity, ProjectMemberEntity } from './project.entity.js';
import { ProjectsHandler } from './projects.handler.js';
import { ProjectsRepository } from './projects.repository.js';
import { ProjectsService } from './projects.service.js';

/** Projects and memberships; exports the repository tasks use for project roles and members. */
@Module({
  imports: [TypeOrmModule.forFeature([ProjectEntity, ProjectMemberEntity]), UsersModule],
  controllers: [ProjectsHandler],
  providers: [ProjectsService, ProjectsRepository],
  exports: [ProjectsRepository],
})
export class ProjectsModule {}
