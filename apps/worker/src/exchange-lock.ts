import { randomUUID } from 'node:crypto';
import type { RedisConnection } from '@gitsync/redis';
import type { ExchangeLock } from '@gitsync/gitsync';

/** Deletes the lock only while it is still ours: an expired lock may be someone else's by now. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface RedisExchangeLockOptions {
  redis: RedisConnection;
  prefix: string;
  /** A holder that died frees the lock after this long; longer than an exchange can take. */
  leaseMs: number;
  /** Pause between tries while another process holds the lock. @defaultValue 25 ms */
  retryMs?: number;
  /** Told once per wait that another process holds the lock of `key` (provider and owner id). */
  onWait?: (key: string) => void;
}

/**
 * The token-exchange lock across worker replicas: `SET key <random id> NX PX lease`, released by
 * compare-and-delete. The value is a random id, never a token: no secret enters Redis. Waiters poll
 * (exchanges are rare and short); one that waited two leases gives up, and its job fails and retries.
 */
export function createRedisExchangeLock(options: RedisExchangeLockOptions): ExchangeLock {
  const retryMs = options.retryMs ?? 25;
  return {
    async withLock(key, run) {
      const lockKey = `${options.prefix}:token-exchange:{${key}}`;
      const id = randomUUID();
      const giveUpAt = Date.now() + 2 * options.leaseMs;
      let waited = false;
      while ((await options.redis.set(lockKey, id, 'PX', options.leaseMs, 'NX')) !== 'OK') {
        if (!waited) options.onWait?.(key);
        waited = true;
        if (Date.now() > giveUpAt) throw new Error(`the token exchange of ${key} is still locked by another process`);
        await new Promise((resolve) => setTimeout(resolve, retryMs));
      }
      try {
        return await run();
      } finally {
        await options.redis.eval(RELEASE, 1, lockKey, id).catch(() => undefined);
      }
    },
  };
}
