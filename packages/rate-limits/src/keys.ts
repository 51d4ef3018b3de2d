import type { RedisConnection } from '@gitsync/redis';

/**
 * The keys of one rate-limit group. They share the group's hash tag (`{…}`), so that one script
 * call may touch them all on Redis Cluster. A prefix that carries a hash tag of its own (cluster
 * mode's `{gitsync}`) wins, as Redis takes the first tag: every group then lives in the prefix's slot.
 */
export function groupKeys(prefix: string, group: string): { block: string; budget: string; inflight: string } {
  const base = `${prefix}:ratelimit:{${group}}`;
  return { block: `${base}:block`, budget: `${base}:budget`, inflight: `${base}:inflight` };
}

/** Every block key, scored by its end: what is blocked now is counted without scanning the keyspace. */
export const blockedGroupsKey = (prefix: string) => `${prefix}:ratelimited-groups`;

/** Rate-limit groups blocked now (ends that passed are dropped on the way). */
export async function countBlockedGroups(redis: RedisConnection, prefix: string, now = Date.now()): Promise<number> {
  const key = blockedGroupsKey(prefix);
  await redis.zremrangebyscore(key, '-inf', now);
  return redis.zcard(key);
}

/** When the group's block ends; null when it is not blocked. */
export async function blockedUntil(
  redis: RedisConnection,
  prefix: string,
  group: string,
  now = Date.now(),
): Promise<Date | null> {
  const stored = await redis.get(groupKeys(prefix, group).block);
  const until = stored === null ? 0 : Number(stored);
  return until > now ? new Date(until) : null;
}
