import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { RealtimeMetrics } from './realtime-metrics.service.js';

@Global()
@Module({ providers: [RealtimeMetrics], controllers: [MetricsController], exports: [RealtimeMetrics] })
export class MetricsModule {}
