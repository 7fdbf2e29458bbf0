import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, type HydratedDocument } from 'mongoose';
import type { CommentDto, EventType, ProjectEvent, ProjectSnapshot, TaskDto, TaskEvent } from '#contracts';

export const EVENT_LOGS_COLLECTION = 'event_logs';

/** One entry per eventId, whatever the redeliveries (unique index), for task and auth events alike. */
@Schema({ collection: EVENT_LOGS_COLLECTION, versionKey: false, strict: true, strictQuery: true, autoCreate: false, autoIndex: false })
export class EventLog {
  @Prop({ type: String, required: true }) eventId!: string;
  @Prop({ type: String, required: true }) type!: EventType;
  @Prop({ type: String, required: true, enum: ['task', 'project', 'auth'] }) source!: 'task' | 'project' | 'auth';
  @Prop({ type: String, default: null }) taskId!: string | null;
  /** Task events of project tasks and project events: whose members' audience changes follow (shareProjectHistory). */
  @Prop({ type: String, default: null }) projectId!: string | null;
  @Prop({ type: String, default: null }) actorId!: string | null;
  /** Auth events: the user the event is about. */
  @Prop({ type: String, default: null }) userId!: string | null;
  /** Who may see the entry: a task event's audience; for an auth event, its user. Admins see all. */
  @Prop({ type: [String], default: [] }) audience!: string[];
  @Prop({ type: Date, required: true }) occurredAt!: Date;
  @Prop({ type: String, default: null }) requestId!: string | null;
  @Prop({ type: MongooseSchema.Types.Mixed }) task?: TaskDto;
  @Prop({ type: MongooseSchema.Types.Mixed }) project?: ProjectSnapshot;
  /** Comment events: the comment after the change (deleted: as it was). */
  @Prop({ type: MongooseSchema.Types.Mixed }) comment?: CommentDto;
  @Prop({ type: MongooseSchema.Types.Mixed }) member?: ProjectEvent['member'];
  @Prop({ type: MongooseSchema.Types.Mixed }) changes?: TaskEvent['changes'] | ProjectEvent['changes'];
  @Prop({ type: MongooseSchema.Types.Mixed }) data?: Record<string, unknown>;
  /** When this service logged it; the retention TTL index counts from here. */
  @Prop({ type: Date, required: true }) createdAt!: Date;
}

export type EventLogDocument = HydratedDocument<EventLog>;
export const EventLogSchema = SchemaFactory.createForClass(EventLog);

EventLogSchema.index({ eventId: 1 }, { unique: true, name: 'eventId_unique' });
// Newest first with the keyset tie-breaker; each filter gets an index leading with its field.
EventLogSchema.index({ occurredAt: -1, eventId: -1 }, { name: 'occurredAt_eventId' });
EventLogSchema.index({ taskId: 1, occurredAt: -1, eventId: -1 }, { name: 'taskId_occurredAt' });
EventLogSchema.index({ audience: 1, occurredAt: -1, eventId: -1 }, { name: 'audience_occurredAt' });
EventLogSchema.index({ type: 1, occurredAt: -1, eventId: -1 }, { name: 'type_occurredAt' });
EventLogSchema.index({ actorId: 1, occurredAt: -1, eventId: -1 }, { name: 'actorId_occurredAt' });
// A membership change rewrites the audience of the project's entries.
EventLogSchema.index({ projectId: 1 }, { name: 'projectId', partialFilterExpression: { projectId: { $type: 'string' } } });
// The retention TTL index is not declared here: its expiry comes from the environment and
// is created (or changed with collMod) by EventsDatabase at start-up.
export const EVENT_LOG_TTL_INDEX = 'createdAt_ttl';
