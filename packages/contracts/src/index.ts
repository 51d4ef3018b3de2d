export * from './chat.js';
export * from './serialize.js';
