export * from './errors.js';
export * from './ports.js';
export * from './refresh.js';
export * from './retry.js';
export * from './timings.js';
export * from './tokens.js';
export * from './choose.js';
