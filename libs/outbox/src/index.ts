export * from './outbox.relay.js';
export * from './outbox.signal.js';
export * from './outbox.module.js';
export * from './outbox-row.js';
export * from './windowed-publish.js';
