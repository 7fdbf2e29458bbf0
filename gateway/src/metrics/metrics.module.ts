import { Global, Module } from '@nestjs/common';
import { HttpMetrics } from './http-metrics.service.js';
import { MetricsController } from './metrics.controller.js';

@Global()
@Module({ providers: [HttpMetrics], controllers: [MetricsController], exports: [HttpMetrics] })
export class MetricsModule {}
