import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedis, masters, type RedisConnection, type RedisRole } from '@gitsync/redis';

export const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
  url: string;
  /** A BullMQ prefix (and key namespace) of this test file's own. */
  prefix: string;
  /** Every key under the prefix, for assertions (e.g. no secret in Redis). */
  keys(): Promise<string[]>;
  /** Every key and value under the prefix as text, to assert that no secret ever reached Redis. */
  dump(): Promise<string>;
  /**
   * A connection as the apps open one (`createRedis`) that `cleanup` disconnects: close what runs on
   * it (a BullMQ worker or queue) before.
   */
  connect(role: RedisRole): RedisConnection;
  /** Deletes every key under the prefix and closes the connections. */
  cleanup(): Promise<void>;
  client: Redis;
}

/** Every key matching `pattern`, on every master of a cluster (SCAN, so Redis is never blocked by KEYS). */
export async function scanKeys(client: RedisConnection, pattern: string): Promise<string[]> {
  const found: string[] = [];
  for (const server of masters(client)) {
    let cursor = '0';
    do {
      const [next, batch] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 5000);
      found.push(...batch);
      cursor = next;
    } while (cursor !== '0');
  }
  return found;
}

/** Every key matching `pattern` with its value, as text: to assert that no secret ever reached Redis. */
export async function dumpRedis(client: RedisConnection, pattern: string): Promise<string> {
  const parts: string[] = [];
  for (const key of await scanKeys(client, pattern)) {
    const type = await client.type(key);
    const value =
      type === 'string'
        ? await client.get(key)
        : type === 'hash'
          ? await client.hgetall(key)
          : type === 'list'
            ? await client.lrange(key, '0', '-1')
            : type === 'set'
              ? await client.smembers(key)
              : type === 'zset'
                ? await client.zrange(key, '0', '-1')
                : type === 'stream'
                  ? await client.xrange(key, '-', '+')
                  : null;
    parts.push(`${key} ${JSON.stringify(value)}`);
  }
  return parts.join('\n');
}

export async function createTestRedis(): Promise<TestRedis> {
  const prefix = `gst_${randomBytes(5).toString('hex')}`;
  const client = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  await client.connect();
  const keys = () => scanKeys(client, `${prefix}:*`);
  const dump = () => dumpRedis(client, `${prefix}:*`);
  const connections: RedisConnection[] = [];
  return {
    url: redisUrl,
    prefix,
    client,
    keys,
    dump,
    connect(role) {
      const connection = createRedis(redisUrl, role);
      connections.push(connection);
      return connection;
    },
    async cleanup() {
      for (const connection of connections.splice(0)) connection.disconnect();
      const all = await keys();
      for (let i = 0; i < all.length; i += 500) await client.del(...all.slice(i, i + 500));
      client.disconnect();
    },
  };
}
