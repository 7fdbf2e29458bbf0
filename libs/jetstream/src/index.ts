export * from './consumer-config.js';
export * from './durable-consumer.js';
export * from './message-pipeline.js';
export * from './held-messages.js';
export * from './message-batcher.js';
export * from './ordered-lanes.js';
