export * from './connection.js';
export * from './hash-tag.js';
