--[[
  Paces one rate-limit group (provider + token owner) across every replica, in one call: first the
  slots this process is done with, learning the group's budget from their answers, then the slots
  it wants. All three keys carry the group's hash tag, so the call works on Redis Cluster.

  Input:
    KEYS[1] block     the group's block: its end (epoch ms) while it lasts
    KEYS[2] budget    hash {remaining, reset}: the last x-ratelimit-remaining/-reset the provider sent
    KEYS[3] inflight  sorted set of slots in flight, scored by the end of their lease

    ARGV[1] now (epoch ms)
    ARGV[2] lease end of the slots taken now (a crashed replica's slots free themselves then)
    ARGV[3] most slots in flight across replicas
    ARGV[4] requests left untouched in the budget
    ARGV[5] padding added to a reset
    ARGV[6] R: slots freed; then R times: slot, remaining, reset (epoch ms), blocked until (epoch ms)
            ('' where the answer did not say)
    then    A: slots wanted; then A times: slot

  Output: { granted, verdict, until, blockSet }
    granted   how many of the wanted slots were taken (the first ones, in order)
    verdict   for the rest: 'ok' (none left), 'busy' (at the in-flight bound: ask again soon),
              'blocked' (until `until`), 'spent' (the known budget is used up: blocked until `until`)
    blockSet  the end of a block this call set (0: none), for the blocked-groups index

  Release: within one window the provider's remaining count only goes down, so the smaller value
  wins (answers may arrive out of order); a later reset means a new window. An answer that was a
  rate limit blocks the group, keeping the later of two blocks.
  Acquire, slot by slot: a blocked group waits for its end; a group at its in-flight bound waits
  for a slot; a group whose known budget (remaining minus the requests in flight) is spent is
  blocked until its reset, before the provider has to refuse. While the budget is unknown (first
  request, new window) one request at a time goes out to learn it.
]]
local blockKey, budget, inflight = KEYS[1], KEYS[2], KEYS[3]
local now = tonumber(ARGV[1])
local leaseUntil = tonumber(ARGV[2])
local maxInFlight = tonumber(ARGV[3])
local reserve = tonumber(ARGV[4])
local padding = tonumber(ARGV[5])
local blockSet = 0

local function block(untilMs)
  local current = tonumber(redis.call('GET', blockKey) or '0')
  if untilMs > current and untilMs > now then
    redis.call('SET', blockKey, untilMs, 'PX', untilMs - now)
    blockSet = untilMs
  end
end

local a = 6
local releases = tonumber(ARGV[a])
for _ = 1, releases do
  local slot, remaining, reset, blockedUntil = ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4]
  a = a + 4
  redis.call('ZREM', inflight, slot)
  if remaining ~= '' and reset ~= '' then
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
  if blockedUntil ~= '' then block(tonumber(blockedUntil)) end
end

local wanted = tonumber(ARGV[a + 1])
a = a + 1
local granted, verdict, untilMs = 0, 'ok', 0
local blocked = tonumber(redis.call('GET', blockKey) or '0')
if wanted > 0 and blocked > now then
  verdict, untilMs = 'blocked', blocked
elseif wanted > 0 then
  redis.call('ZREMRANGEBYSCORE', inflight, '-inf', now)
  local count = redis.call('ZCARD', inflight)
  local stored = redis.call('HMGET', budget, 'remaining', 'reset')
  local remaining, reset = tonumber(stored[1] or ''), tonumber(stored[2] or '0')
  local known = remaining ~= nil and reset > now
  for j = 1, wanted do
    if count >= maxInFlight or (not known and count > 0) then
      verdict = 'busy'
      break
    end
    if known and remaining - count <= reserve then
      untilMs = reset + padding
      block(untilMs)
      verdict = 'spent'
      break
    end
    redis.call('ZADD', inflight, leaseUntil, ARGV[a + j])
    count, granted = count + 1, granted + 1
  end
  if granted > 0 then redis.call('PEXPIRE', inflight, leaseUntil - now + 1000) end
end
return { granted, verdict, tostring(untilMs), tostring(blockSet) }
