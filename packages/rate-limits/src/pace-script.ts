import type { Redis } from 'ioredis';

/**
 * One round trip for everything a process asked of the pacer meanwhile: first the slots it frees
 * (with what each response said of the budget), then the slots it wants, group by group.
 *
 * KEYS: the blocked-groups set (blockedGroupsKey); per release `budget, inflight`; per acquiring
 * group `block, budget, inflight`.
 * ARGV: now, slot lease end, max in flight, reserve, padding, #releases, #groups; per release
 * `slot, remaining, reset` ('' when unknown); per group `n, slot × n`.
 * Returns per group `granted, verdict for the rest ('ok'|'busy'|'blocked'|'spent'), until`.
 *
 * Release: within one window the server's remaining count only goes down, so the smaller value
 * wins (answers may arrive out of order); a later reset means a new window.
 * Acquire, per slot in turn: a blocked group waits for its reset; a group at its in-flight bound
 * waits for a slot; a group whose known budget (the last `x-ratelimit-remaining` minus the requests
 * in flight) is spent is blocked until its reset, before GitHub has to say so. While a group's
 * budget is unknown (first request, new window) one request at a time goes out to learn it.
 */
const PACE = `
local now = tonumber(ARGV[1])
local leaseUntil = tonumber(ARGV[2])
local maxInFlight = tonumber(ARGV[3])
local reserve = tonumber(ARGV[4])
local padding = tonumber(ARGV[5])
local releases = tonumber(ARGV[6])
local groups = tonumber(ARGV[7])
local k, a = 2, 8
for i = 1, releases do
  local budget, inflight = KEYS[k], KEYS[k + 1]
  local slot, remaining, reset = ARGV[a], ARGV[a + 1], ARGV[a + 2]
  k, a = k + 2, a + 3
  redis.call('ZREM', inflight, slot)
  if remaining ~= '' then
    remaining, reset = tonumber(remaining), tonumber(reset)
    local stored = redis.call('HMGET', budget, 'remaining', 'reset')
    local current, currentReset = stored[1], tonumber(stored[2] or '0')
    if not current or reset > currentReset then
      redis.call('HSET', budget, 'remaining', remaining, 'reset', reset)
    elseif reset == currentReset and remaining < tonumber(current) then
      redis.call('HSET', budget, 'remaining', remaining)
    end
    redis.call('PEXPIREAT', budget, reset + 60000)
  end
end
local out = {}
for g = 1, groups do
  local blockKey, budget, inflight = KEYS[k], KEYS[k + 1], KEYS[k + 2]
  local n = tonumber(ARGV[a])
  local granted, verdict, untilMs = 0, 'ok', 0
  local blocked = tonumber(redis.call('GET', blockKey) or '0')
  if blocked > now then
    verdict, untilMs = 'blocked', blocked
  else
    redis.call('ZREMRANGEBYSCORE', inflight, '-inf', now)
    local count = redis.call('ZCARD', inflight)
    local stored = redis.call('HMGET', budget, 'remaining', 'reset')
    local remaining, reset = tonumber(stored[1] or ''), tonumber(stored[2] or '0')
    local known = remaining ~= nil and reset > now
    for j = 1, n do
      if count >= maxInFlight or (not known and count > 0) then
        verdict = 'busy'
        break
      end
      if known and remaining - count <= reserve then
        untilMs = reset + padding
        redis.call('SET', blockKey, untilMs, 'PX', untilMs - now)
        redis.call('ZADD', KEYS[1], untilMs, blockKey)
        verdict = 'spent'
        break
      end
      redis.call('ZADD', inflight, leaseUntil, ARGV[a + j])
      count, granted = count + 1, granted + 1
    end
    if granted > 0 then redis.call('PEXPIRE', inflight, leaseUntil - now + 1000) end
  end
  out[#out + 1] = granted
  out[#out + 1] = verdict
  out[#out + 1] = tostring(untilMs)
  k, a = k + 3, a + 1 + n
end
return out
`;

export type PaceRedis = Redis & { gitsyncPace(numberOfKeys: number, ...args: string[]): Promise<Array<number | string>> };

/** Registers the script once per connection, so each call is an EVALSHA, not the whole script. */
export function withPaceScript(redis: Redis): PaceRedis {
  const r = redis as PaceRedis;
  if (typeof r.gitsyncPace !== 'function') redis.defineCommand('gitsyncPace', { lua: PACE });
  return r;
}
