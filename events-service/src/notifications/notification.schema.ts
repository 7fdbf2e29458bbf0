import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, type HydratedDocument } from 'mongoose';
import type { NotificationType, ProjectEvent, TaskEvent } from '#contracts';

export const NOTIFICATIONS_COLLECTION = 'notifications';

/** One per (event, user): the unique index makes redeliveries harmless. `_id` is a uuid. */
@Schema({ collection: NOTIFICATIONS_COLLECTION, versionKey: false, strict: true, strictQuery: true, autoCreate: false, autoIndex: false })
export class Notification {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) eventId!: string;
  @Prop({ type: String, required: true }) userId!: string;
  @Prop({ type: String, required: true }) type!: NotificationType;
  /** null for project notifications. */
  @Prop({ type: String, default: null }) taskId!: string | null;
  @Prop({ type: String, required: true }) actorId!: string;
  @Prop({ type: String, default: null }) taskTitle!: string | null;
  @Prop({ type: String }) projectId?: string;
  @Prop({ type: String }) projectName?: string;
  /** Comment notifications. */
  @Prop({ type: String }) commentId?: string;
  @Prop({ type: MongooseSchema.Types.Mixed }) changes?: TaskEvent['changes'] | ProjectEvent['changes'];
  @Prop({ type: Boolean, required: true, default: false }) read!: boolean;
  @Prop({ type: Date, default: null }) readAt!: Date | null;
  /** The event's occurredAt, so a backlog processed late still lists in event order. */
  @Prop({ type: Date, required: true }) createdAt!: Date;
}

export type NotificationDocument = HydratedDocument<Notification>;
export const NotificationSchema = SchemaFactory.createForClass(Notification);

NotificationSchema.index({ eventId: 1, userId: 1 }, { unique: true, name: 'eventId_userId_unique' });
NotificationSchema.index({ userId: 1, read: 1, createdAt: -1, _id: -1 }, { name: 'userId_read_createdAt' });
NotificationSchema.index({ userId: 1, createdAt: -1, _id: -1 }, { name: 'userId_createdAt' });
