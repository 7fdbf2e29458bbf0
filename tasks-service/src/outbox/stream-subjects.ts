import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { jetstreamManager, JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { APP_ENV } from '#config';
import { TASK_EVENTS_STREAM, TASK_EVENTS_STREAM_SUBJECTS } from '#contracts';
import { natsConnectionOptions } from '#nats';
import type { TasksEnv } from '../config/tasks.env.js';
import { SERVICE_NAME } from '../database/database.module.js';

/**
 * A TASK_EVENTS stream created before projects existed holds only `tasks.events.>`; the
 * relay leaves an existing stream as it is, and would retry project events forever. At
 * start-up this adds the missing subjects (idempotent; every replica may do it). A new
 * stream is created by the relay with every subject already.
 */
@Injectable()
export class StreamSubjects implements OnApplicationBootstrap {
  private readonly logger = new Logger(StreamSubjects.name);

  constructor(@Inject(APP_ENV) private readonly env: TasksEnv) {}

  async onApplicationBootstrap(): Promise<void> {
    // Not awaited: start-up never waits on NATS; the relay retries until the subjects exist.
    void this.widen().catch((error: unknown) => this.logger.warn(`Could not check the ${TASK_EVENTS_STREAM} subjects: ${String(error)}`));
  }

  async widen(): Promise<void> {
    const connection = await connect(natsConnectionOptions(this.env, SERVICE_NAME, `${SERVICE_NAME}-streams`));
    try {
      const jsm = await jetstreamManager(connection);
      const info = await jsm.streams.info(TASK_EVENTS_STREAM).catch((error: unknown) => {
        if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return null;
        throw error;
      });
      if (!info) return;
      const missing = TASK_EVENTS_STREAM_SUBJECTS.filter((subject) => !info.config.subjects?.includes(subject));
      if (missing.length === 0) return;
      await jsm.streams.update(TASK_EVENTS_STREAM, { subjects: [...(info.config.subjects ?? []), ...missing] });
      this.logger.log(`Added ${missing.join(', ')} to the ${TASK_EVENTS_STREAM} stream`);
    } finally {
      await connection.close();
    }
  }
}
