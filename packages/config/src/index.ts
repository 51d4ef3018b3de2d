export * from './parse.js';
export * from './fields.js';
export * from './providers.js';
export * from './node-flags.js';
export * from './token-keys.js';
export * from './redis.js';
