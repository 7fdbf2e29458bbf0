import { Module } from '@nestjs/common';
import { UsersClient } from './users.client.js';

/** auth-service's users as tasks-service asks about them: one client for tasks, projects and comments. */
@Module({
  providers: [UsersClient],
  exports: [UsersClient],
})
export class UsersModule {}
