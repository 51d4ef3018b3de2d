import { Redis, type RedisOptions } from 'ioredis';

/**
 * Workers block on Redis and must wait out an outage rather than error (BullMQ requires
 * `maxRetriesPerRequest: null` for them); producers should fail fast instead.
 */
export function createRedis(url: string, role: 'worker' | 'producer', options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 2,
    enableOfflineQueue: role === 'worker',
    ...options,
  });
}
