export * from './gate.js';
export * from './limiter.js';
