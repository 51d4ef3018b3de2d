import type { RedisConnection } from '@gitsync/redis';
import type { RepositoryCache, RepositoryInfo } from '@gitsync/gitprovider';

/** How long a repository answer is kept at all; the provider confirms it with its ETag far sooner. */
const KEEP_SECONDS = 7 * 24 * 3600;

/**
 * Repository lookups (is it a fork, and of what) in Redis, so that every replica shares one
 * answer: a repository costs one request per hour for the whole deployment, and a 304 then.
 */
export function createRedisRepositoryCache(redis: RedisConnection, prefix: string): RepositoryCache {
  const key = (repository: string) => `${prefix}:repository:${repository}`;
  return {
    async get(repository) {
      const stored = await redis.get(key(repository));
      if (stored === null) return null;
      try {
        return JSON.parse(stored) as RepositoryInfo;
      } catch {
        return null;
      }
    },
    async set(repository, info) {
      await redis.set(key(repository), JSON.stringify(info), 'EX', KEEP_SECONDS);
    },
  };
}
