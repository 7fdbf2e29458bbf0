import { Module } from '@nestjs/common';
import { TasksModule } from '../tasks/tasks.module.js';
import { NotificationsSubscriber } from './notifications.subscriber.js';

@Module({ imports: [TasksModule], providers: [NotificationsSubscriber] })
export class NotificationsModule {}
