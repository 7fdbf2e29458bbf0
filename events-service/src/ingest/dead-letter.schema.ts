import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument } from 'mongoose';

export const DEAD_LETTERS_COLLECTION = 'dead_letters';

/** A parked JetStream message: kept with its raw bytes and the reason, for a human to look at. */
@Schema({ collection: DEAD_LETTERS_COLLECTION, versionKey: false, strict: true, strictQuery: true, autoCreate: false, autoIndex: false })
export class DeadLetter {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) stream!: string;
  @Prop({ type: Number, required: true }) streamSequence!: number;
  @Prop({ type: String, required: true }) subject!: string;
  /** The body as UTF-8 text when it is valid UTF-8, else base64 (see `encoding`). */
  @Prop({ type: String, required: true }) raw!: string;
  @Prop({ type: String, required: true, enum: ['utf8', 'base64'] }) encoding!: 'utf8' | 'base64';
  @Prop({ type: String, required: true }) reason!: string;
  /** `poison` (can never be processed) or `max_deliver` (kept failing). */
  @Prop({ type: String, required: true, enum: ['poison', 'max_deliver'] }) kind!: 'poison' | 'max_deliver';
  @Prop({ type: Number, required: true }) deliveryCount!: number;
  @Prop({ type: String, default: null }) msgId!: string | null;
  @Prop({ type: Date, required: true }) parkedAt!: Date;
}

export type DeadLetterDocument = HydratedDocument<DeadLetter>;
export const DeadLetterSchema = SchemaFactory.createForClass(DeadLetter);

// A message parked twice (its term lost, then redelivered) is kept once.
DeadLetterSchema.index({ stream: 1, streamSequence: 1 }, { unique: true, name: 'stream_sequence_unique' });
DeadLetterSchema.index({ parkedAt: -1 }, { name: 'parkedAt' });
