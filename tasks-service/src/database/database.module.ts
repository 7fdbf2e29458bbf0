import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_ENV } from '#config';
import { runMigrationsLocked, typeOrmOptions } from '#postgres';
import type { TasksEnv } from '../config/tasks.env.js';
import { OutboxEntity } from '../outbox/outbox.entity.js';
import { ProjectEntity, ProjectMemberEntity } from '../projects/project.entity.js';
import { TaskAssignmentEntity, TaskEntity } from '../tasks/task.entity.js';
import { CreateTasks1765000000000 } from './migrations/1765000000000-create-tasks.js';
import { CreateIdempotencyKeys1766000000000 } from './migrations/1766000000000-create-idempotency-keys.js';
import { CheckDeadlineAtCommit1767000000000 } from './migrations/1767000000000-check-deadline-at-commit.js';
import { CreateProjects1768000000000 } from './migrations/1768000000000-create-projects.js';
import { CreateComments1769000000000 } from './migrations/1769000000000-create-comments.js';
import { CommentEntity } from '../comments/comment.entity.js';

export const SERVICE_NAME = 'tasks-service';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_ENV],
      useFactory: (env: TasksEnv) =>
        typeOrmOptions(env, {
          service: SERVICE_NAME,
          entities: [TaskEntity, TaskAssignmentEntity, ProjectEntity, ProjectMemberEntity, CommentEntity, OutboxEntity],
          migrations: [CreateTasks1765000000000, CreateIdempotencyKeys1766000000000, CheckDeadlineAtCommit1767000000000, CreateProjects1768000000000, CreateComments1769000000000],
        }),
    }),
  ],
})
export class DatabaseModule implements OnModuleInit {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  onModuleInit(): Promise<void> {
    return runMigrationsLocked(this.dataSource, SERVICE_NAME);
  }
}
