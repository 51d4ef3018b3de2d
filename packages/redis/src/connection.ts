import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** A connection to one Redis server or to a Redis Cluster; every process holds one of these. */
export type RedisConnection = Redis | Cluster;

/** Where Redis is (parsed from `REDIS_URL` and `REDIS_CLUSTER` by @gitsync/config). */
export interface RedisTarget {
  /**
   * `redis://` or `rediss://` URLs. One server: the first. A cluster: its seed nodes, any of them
   * (ioredis learns the rest from CLUSTER SLOTS); user, password and TLS come from the first.
   */
  urls: string[];
  cluster: boolean;
}

/**
 * `worker`: blocks on Redis and waits out an outage rather than erroring (BullMQ requires
 * `maxRetriesPerRequest: null` for its workers); `producer`: fails fast instead.
 */
export type RedisRole = 'worker' | 'producer';

/** Options that a cluster's nodes cannot take one by one (ioredis keeps them at the cluster's level). */
type NodeOptions = Omit<RedisOptions, 'port' | 'host' | 'path' | 'sentinels' | 'retryStrategy' | 'enableOfflineQueue'>;

/** A single URL (tests, tools) is a single server. */
export const singleServer = (url: string): RedisTarget => ({ urls: [url], cluster: false });

/**
 * The one place that opens a Redis connection: a `Redis` for one server, a `Cluster` for a
 * cluster, with the role's retry rules. Everything else receives a connection or duplicates one
 * (`duplicateRedis`), so BullMQ, the pacer, pub/sub and the caches all follow the same target.
 */
export function createRedis(
  target: RedisTarget | string,
  role: RedisRole,
  options: RedisOptions = {},
): RedisConnection {
  const t = typeof target === 'string' ? singleServer(target) : target;
  const roleOptions = { maxRetriesPerRequest: role === 'worker' ? null : 2, enableOfflineQueue: role === 'worker' };
  const [first, ...rest] = t.urls;
  if (first === undefined) throw new Error('no Redis URL');
  if (!t.cluster) return new Redis(first, { ...roleOptions, ...options });
  return new Cluster(
    [first, ...rest].map((u) => {
      const url = new URL(u);
      return { host: url.hostname, port: Number(url.port || 6379) };
    }),
    {
      redisOptions: { ...credentials(first), ...nodeOptions({ ...roleOptions, ...options }) },
      // Commands wait for the slot map at start (a producer's fail-fast applies per request after that:
      // maxRetriesPerRequest).
      enableOfflineQueue: true,
    },
  );
}

/** Another connection to the same server or cluster (a subscriber, BullMQ's blocking client …). */
export function duplicateRedis(connection: RedisConnection, options: RedisOptions = {}): RedisConnection {
  if (connection instanceof Cluster) {
    return connection.duplicate(undefined, {
      ...connection.options,
      redisOptions: { ...connection.options.redisOptions, ...nodeOptions(options) },
    });
  }
  return connection.duplicate(options);
}

/**
 * The servers that hold keys: the connection itself, or a cluster's masters. SCAN, INFO and
 * FLUSHALL answer for one server only, so tools and tests ask each of these.
 */
export function masters(connection: RedisConnection): Redis[] {
  return connection instanceof Cluster ? connection.nodes('master') : [connection];
}

/** `options` without what only the cluster as a whole takes (its offline queue, retry strategy …). */
function nodeOptions(options: RedisOptions): NodeOptions {
  const copy: RedisOptions = { ...options };
  for (const key of ['port', 'host', 'path', 'sentinels', 'retryStrategy', 'enableOfflineQueue'] as const)
    delete copy[key];
  return copy;
}

/** Username, password and TLS of a `redis://` / `rediss://` URL, for a cluster's node connections. */
function credentials(u: string): NodeOptions {
  const url = new URL(u);
  return {
    ...(url.username && { username: decodeURIComponent(url.username) }),
    ...(url.password && { password: decodeURIComponent(url.password) }),
    ...(url.protocol === 'rediss:' && { tls: {} }),
  };
}
