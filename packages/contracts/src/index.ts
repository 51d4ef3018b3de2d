export * from './api.js';
export * from './chat.js';
export * from './registry.js';
export * from './serialize.js';
export * from './api-keys.js';
