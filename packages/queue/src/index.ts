export * from './catalog.js';
export * from './job-options.js';
export * from './producer.js';
export * from './worker.js';
export * from './wake.js';
export * from './completion.js';
export * from './done.js';
