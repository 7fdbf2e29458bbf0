import { Global, Module } from '@nestjs/common';
import { APP_ENV } from '#config';
import { createRedis, REDIS, RedisLifecycle } from './redis.provider.js';
import { TaskListCache } from './task-list.cache.js';

@Global()
@Module({
  providers: [{ provide: REDIS, inject: [APP_ENV], useFactory: createRedis }, RedisLifecycle, TaskListCache],
  exports: [TaskListCache],
})
export class CacheModule {}
