import type { RedisConnection } from '@gitsync/redis';
import { RATE_LIMIT_BLOCK_KINDS, type RateLimitBlockKind } from '@gitsync/contracts';

/**
 * The keys of one rate-limit group. They share the group's hash tag (`{…}`), so that one script
 * call may touch them all on Redis Cluster. A prefix that carries a hash tag of its own (cluster
 * mode's `{gitsync}`) wins, as Redis takes the first tag: every group then lives in the prefix's slot.
 */
export function groupKeys(prefix: string, group: string): { block: string; budget: string; inflight: string } {
  const base = `${prefix}:ratelimit:{${group}}`;
  return { block: `${base}:block`, budget: `${base}:budget`, inflight: `${base}:inflight` };
}

/**
 * Every block key, scored by its end: what is blocked now is counted without scanning the keyspace.
 * One index for all blocks, and one per kind (a group is in the index of its latest block's kind).
 */
export const blockedGroupsKey = (prefix: string, kind?: RateLimitBlockKind) =>
  kind ? `${prefix}:ratelimited-groups:${kind}` : `${prefix}:ratelimited-groups`;

/** Rate-limit groups blocked now, of one kind or all (ends that passed are dropped on the way). */
export async function countBlockedGroups(
  redis: RedisConnection,
  prefix: string,
  now = Date.now(),
  kind?: RateLimitBlockKind,
): Promise<number> {
  const key = blockedGroupsKey(prefix, kind);
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

/** What is known of a group's budget: the provider's last figures, and its block if one holds now. */
export interface GroupBudget {
  /** Last x-ratelimit-remaining/-limit/-reset seen (kept until a minute after that reset). */
  remaining: number | null;
  limit: number | null;
  resetAt: Date | null;
  blocked: { until: Date; kind: RateLimitBlockKind } | null;
}

const numberOrNull = (value: string | null | undefined) =>
  value === null || value === undefined || value === '' ? null : Number(value);

/**
 * Reads a group's budget as the pacer keeps it (commands/pace-3.lua): never anything of the token,
 * only the provider's figures for the group (provider + token owner).
 */
export async function readGroupBudget(
  redis: RedisConnection,
  prefix: string,
  group: string,
  now = Date.now(),
): Promise<GroupBudget> {
  const keys = groupKeys(prefix, group);
  const [[, stored], [, block]] = ((await redis
    .multi()
    .hmget(keys.budget, 'remaining', 'limit', 'reset', 'blockKind')
    .get(keys.block)
    .exec()) ?? []) as [[unknown, Array<string | null>], [unknown, string | null]];
  const [remaining, limit, reset, blockKind] = stored ?? [];
  const until = numberOrNull(block) ?? 0;
  const kind = (RATE_LIMIT_BLOCK_KINDS as readonly string[]).includes(blockKind ?? '')
    ? (blockKind as RateLimitBlockKind)
    : 'primary';
  return {
    remaining: numberOrNull(remaining),
    limit: numberOrNull(limit),
    resetAt: reset ? new Date(Number(reset)) : null,
    blocked: until > now ? { until: new Date(until), kind } : null,
  };
}
