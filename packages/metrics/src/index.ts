export * from './registry.js';
export * from './system.js';
export * from './worker.js';
export * from './cached.js';
