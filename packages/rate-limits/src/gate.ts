import type { Redis } from 'ioredis';

/** The key holding a group's block (its end, epoch ms), shared with the pacer. */
export const blockKey = (prefix: string, group: string) => `${prefix}:ratelimit:${group}`;

/** Every block key, scored by its end: what is blocked now is counted without scanning the keyspace. */
export const blockedGroupsKey = (prefix: string) => `${prefix}:ratelimited-groups`;

/** Rate-limit groups blocked now (ends that passed are dropped on the way). */
export async function countBlockedGroups(redis: Redis, prefix: string, now = Date.now()): Promise<number> {
  const key = blockedGroupsKey(prefix);
  await redis.zremrangebyscore(key, '-inf', now);
  return redis.zcard(key);
}

/**
 * Why a per-group key, and not BullMQ's own tools:
 * - `worker.rateLimit()` + `RateLimitError` pauses a whole queue: one limited token would stop every
 *   other token's refreshes (one queue per provider would still mix all tokens of a provider).
 * - A per-group key with `moveToDelayed` + `DelayedError` keeps one queue, but parks the group's jobs
 *   in Redis until the reset — up to an hour of delayed jobs that a Redis flush would lose.
 * We keep the key (so every replica skips the group without calling GitHub) and let the job
 * complete with the `rate_limited` outcome: the row's stale_at becomes the reset plus padding, and
 * the scheduler enqueues it again then. Postgres, not Redis, holds the wait; no attempt is used and
 * nothing is counted as failed; other groups are not slowed at all.
 *
 * Groups blocked in Redis, so a limit seen by one replica stops every replica: the pacer checks
 * the block with every request it lets through (pace-script.ts).
 */
export class RedisRateLimitGate {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  private key(group: string): string {
    return blockKey(this.prefix, group);
  }

  /** When the group's block ends; null when it is not blocked. */
  async blockedUntil(group: string): Promise<Date | null> {
    const stored = await this.redis.get(this.key(group));
    const until = stored === null ? 0 : Number(stored);
    return until > this.now() ? new Date(until) : null;
  }

  async block(group: string, until: Date): Promise<void> {
    const ms = until.getTime() - this.now();
    if (ms <= 0) return;
    // Keep the later of two concurrent blocks: a shorter one must not shorten a longer one.
    await this.redis.eval(
      `local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
       if tonumber(ARGV[1]) > cur then
         redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
         redis.call('ZADD', KEYS[2], ARGV[1], KEYS[1])
       end
       return 1`,
      2,
      this.key(group),
      blockedGroupsKey(this.prefix),
      String(until.getTime()),
      String(ms),
    );
  }
}
