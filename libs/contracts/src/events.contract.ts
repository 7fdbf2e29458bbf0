import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { PageQuery, withActor, type Page } from './common.js';
import { defineRequest } from './define.js';
import type { TaskEvent } from './tasks.contract.js';

/** One entry of a task's activity (its event log), newest first. */
export class ActivityEntryDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ format: 'uuid' }) taskId!: string;
  @ApiProperty({ format: 'uuid' }) actorId!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ type: Object, required: false }) changes?: TaskEvent['changes'];
}

export class ActivityPageDto implements Page<ActivityEntryDto> {
  @ApiProperty({ type: [ActivityEntryDto] }) items!: ActivityEntryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class TaskActivityRequest extends withActor(PageQuery) {
  @IsUUID()
  taskId!: string;
}

export const EventsContract = {
  /** Answered by events-service; the gateway checks visibility with tasks-service first. */
  taskActivity: defineRequest<TaskActivityRequest, Page<ActivityEntryDto>>('events.task-activity'),
} as const;

