export * from './database.js';
export * from './redis.js';
export * from './wait.js';
export * from './processes.js';
export * from './redis-server.js';
export * from './redis-cluster.js';
export * from './apps.js';
