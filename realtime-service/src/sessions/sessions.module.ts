import { Module } from '@nestjs/common';
import { TasksModule } from '../tasks/tasks.module.js';
import { SessionRevocationsConsumer } from './session-revocations.consumer.js';

@Module({ imports: [TasksModule], providers: [SessionRevocationsConsumer] })
export class SessionsModule {}
