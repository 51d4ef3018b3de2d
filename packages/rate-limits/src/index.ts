export * from './gate.js';
export * from './limiter.js';
export * from './pacer.js';
