export * from './api.js';
export * from './chat.js';
export * from './registry.js';
export * from './api-keys.js';
export * from './text.js';
export * from './vocabulary.js';
