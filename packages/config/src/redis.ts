import { z } from 'zod';
import type { RedisTarget } from '@gitsync/redis';
import { ConfigError } from './parse.js';

const isRedisUrl = (value: string) => URL.canParse(value) && /^rediss?:$/.test(new URL(value).protocol);

/** `REDIS_URL`: one `redis://`/`rediss://` URL, or several comma-separated (a cluster's nodes). */
export const redisUrls = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((value) => value.split(',').every((u) => isRedisUrl(u.trim())), {
      message: 'must be a redis:// or rediss:// URL, or several comma-separated (Redis Cluster nodes)',
    });

/** The Redis settings every process shares, once parsed by `baseEnv`. */
export interface RedisEnv {
  REDIS_URL: string;
  REDIS_CLUSTER: boolean;
  GITSYNC_QUEUE_PREFIX?: string | undefined;
}

/**
 * Where Redis is and which prefix the queues use. Cluster mode: `REDIS_CLUSTER=true`, or more than
 * one URL in `REDIS_URL`. There the prefix must carry a hash tag (BullMQ runs Lua scripts over all
 * keys of a queue, which a cluster allows only within one slot); it defaults to `{gitsync}`.
 */
export function redisSettings(env: RedisEnv): { redis: RedisTarget; GITSYNC_QUEUE_PREFIX: string } {
  const urls = env.REDIS_URL.split(',').map((u) => u.trim());
  const cluster = env.REDIS_CLUSTER || urls.length > 1;
  const prefix = env.GITSYNC_QUEUE_PREFIX ?? (cluster ? '{gitsync}' : 'gitsync');
  if (cluster && !/^\{.+\}$/.test(prefix))
    throw new ConfigError(
      `invalid configuration:\n  GITSYNC_QUEUE_PREFIX: must be a hash tag such as {${prefix}} on Redis Cluster ` +
        '(BullMQ keeps every key of a queue in one slot)',
    );
  return { redis: { urls, cluster }, GITSYNC_QUEUE_PREFIX: prefix };
}
