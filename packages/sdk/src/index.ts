export * from './client.js';
export * from './errors.js';
export * from './events.js';
export * from './sse.js';
export type * from '@gitsync/contracts';
