export * from './scheduler.js';
export * from './requeue.js';
