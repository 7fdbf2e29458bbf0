export * from './typeorm-options.js';
export * from './migrate.js';
