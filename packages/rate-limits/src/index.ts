export * from './keys.js';
export * from './pacer.js';
