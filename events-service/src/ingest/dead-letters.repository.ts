import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { isDuplicateKey } from '../event-log/event-log.repository.js';
import { DeadLetter } from './dead-letter.schema.js';

export type ParkedMessage = Omit<DeadLetter, '_id' | 'raw' | 'encoding' | 'parkedAt'> & { data: Uint8Array };

const MAX_RAW_BYTES = 256 * 1024;

@Injectable()
export class DeadLettersRepository {
  constructor(@InjectModel(DeadLetter.name) private readonly deadLetters: Model<DeadLetter>) {}

  /** Keeps the message once per stream sequence (a message parked again after a lost term is not doubled). */
  async park(message: ParkedMessage, now = new Date()): Promise<void> {
    const { data, stream, streamSequence, ...rest } = message;
    const bytes = Buffer.from(data).subarray(0, MAX_RAW_BYTES);
    const text = bytes.toString('utf8');
    const utf8 = Buffer.from(text, 'utf8').equals(bytes);
    const doc = { _id: randomUUID(), ...rest, raw: utf8 ? text : bytes.toString('base64'), encoding: utf8 ? 'utf8' : 'base64', parkedAt: now };
    try {
      await this.deadLetters.updateOne({ stream, streamSequence }, { $setOnInsert: doc }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
}
