--[[
  Paces one rate-limit group (provider + token owner) across every replica, in one call: first the
  slots this process is done with, learning the group's budget from their answers, then the slots
  it wants. All three keys carry the group's hash tag, so the call works on Redis Cluster.

  Input:
    KEYS[1] block     the group's block: its end (epoch ms) while it lasts
    KEYS[2] budget    hash {remaining, reset, limit}: the last x-ratelimit-remaining/-reset/-limit the
                      provider sent; blockKind: why the group was last blocked; m<n>: requests started
                      in the n-th 5-second bucket (epoch ms / 5000), for the per-minute ceiling
    KEYS[3] inflight  sorted set of slots in flight, scored by the end of their lease

    ARGV[1] now (epoch ms)
    ARGV[2] lease end of the slots taken now (a crashed replica's slots free themselves then)
    ARGV[3] most slots in flight across replicas
    ARGV[4] requests left untouched in the budget
    ARGV[5] padding added to a reset
    ARGV[6] most requests started per minute across replicas (0: no ceiling)
    ARGV[7] what the freed slots' answers said, merged by the caller: remaining, reset (epoch ms) of the
            latest window answered (its smallest remaining), limit, blocked until (epoch ms) and blocked
            by ('primary' | 'secondary') of the latest block ('' where no answer said)
    ARGV[12] R: slots freed; then R times: slot
    then    A: slots wanted; then A times: slot

  Output: { granted, verdict, until, blockSet, blockKind }
    granted   how many of the wanted slots were taken (the first ones, in order)
    verdict   for the rest: 'ok' (none left), 'busy' (at the in-flight bound: ask again soon),
              'blocked' (until `until`), 'spent' (the known budget is used up: blocked until `until`),
              'ceiling' (the per-minute ceiling is reached: blocked until `until`)
    blockSet  the end of a block this call set (0: none), for the blocked-groups index
    blockKind why that block was set: 'primary', 'secondary' (the provider said) or 'proactive' (we did)

  Release: within one window the provider's remaining count only goes down, so the smaller value
  wins (answers may arrive out of order); a later reset means a new window. An answer that was a
  rate limit blocks the group, keeping the later of two blocks.
  Acquire, slot by slot: a blocked group waits for its end; a group at its in-flight bound waits
  for a slot; a group whose known budget (remaining minus the requests in flight) is spent is
  blocked until its reset, before the provider has to refuse. While the budget is unknown (first
  request, new window) one request at a time goes out to learn it. A group that started its
  per-minute ceiling of requests (304s included: GitHub's secondary limits count them) is blocked
  until enough of them are a minute old. Requests are counted in 5-second buckets and the last 13
  are summed, a window of 60 to 65 s: never fewer than GitHub's sliding minute holds.
]]
local blockKey, budget, inflight = KEYS[1], KEYS[2], KEYS[3]
local now = tonumber(ARGV[1])
local leaseUntil = tonumber(ARGV[2])
local maxInFlight = tonumber(ARGV[3])
local reserve = tonumber(ARGV[4])
local padding = tonumber(ARGV[5])
local perMinute = tonumber(ARGV[6])
local blockSet, blockKind = 0, ''
local BUCKET_MS, BUCKETS = 5000, 13

local function block(untilMs, kind)
  local current = tonumber(redis.call('GET', blockKey) or '0')
  if untilMs > current and untilMs > now then
    redis.call('SET', blockKey, untilMs, 'PX', untilMs - now)
    redis.call('HSET', budget, 'blockKind', kind)
    blockSet, blockKind = untilMs, kind
  end
end

-- The budget as stored, read once: the release below and the acquire after it both need it.
local stored = redis.call('HMGET', budget, 'remaining', 'reset', 'limit')
local storedRemaining, storedReset = tonumber(stored[1] or ''), tonumber(stored[2] or '0')

local remaining, reset, limit = tonumber(ARGV[7]), tonumber(ARGV[8]), ARGV[9]
local blockedUntil, blockedBy = ARGV[10], ARGV[11]
local a = 12
local releases = tonumber(ARGV[a])
if releases > 0 then redis.call('ZREM', inflight, unpack(ARGV, a + 1, a + releases)) end
a = a + releases
-- Only what changes is written: a 304's answer repeats the stored budget.
local changes = {}
if limit ~= '' and limit ~= stored[3] then
  changes[#changes + 1], changes[#changes + 2] = 'limit', limit
end
if remaining and reset then
  if storedRemaining == nil or reset > storedReset then
    changes[#changes + 1], changes[#changes + 2] = 'remaining', remaining
    changes[#changes + 1], changes[#changes + 2] = 'reset', reset
    storedRemaining, storedReset = remaining, reset
    redis.call('PEXPIREAT', budget, math.max(reset + 60000, now + BUCKETS * BUCKET_MS))
  elseif reset == storedReset and remaining < storedRemaining then
    changes[#changes + 1], changes[#changes + 2] = 'remaining', remaining
    storedRemaining = remaining
  end
end
if #changes > 0 then redis.call('HSET', budget, unpack(changes)) end
if blockedUntil ~= '' then block(tonumber(blockedUntil), blockedBy ~= '' and blockedBy or 'primary') end

-- The per-minute ceiling's buckets: counts by bucket number, the ones out of the window deleted.
local bucketNow = math.floor(now / BUCKET_MS)
local counts, started = {}, 0
if perMinute > 0 then
  local fields = redis.call('HGETALL', budget)
  for i = 1, #fields, 2 do
    local n = string.match(fields[i], '^m(%d+)$')
    if n then
      n = tonumber(n)
      if n <= bucketNow - BUCKETS then
        redis.call('HDEL', budget, fields[i])
      else
        counts[n] = tonumber(fields[i + 1])
        started = started + counts[n]
      end
    end
  end
end

-- When the requests counted now leave room for one more: as their oldest buckets leave the window.
local function roomAt()
  local left = started
  for n = bucketNow - BUCKETS + 1, bucketNow do
    left = left - (counts[n] or 0)
    if left + 1 <= perMinute then return (n + BUCKETS) * BUCKET_MS end
  end
  return (bucketNow + BUCKETS) * BUCKET_MS
end

local wanted = tonumber(ARGV[a + 1])
a = a + 1
local granted, verdict, untilMs = 0, 'ok', 0
local blocked = wanted > 0 and tonumber(redis.call('GET', blockKey) or '0') or 0
if blocked > now then
  verdict, untilMs = 'blocked', blocked
elseif wanted > 0 then
  local known = storedRemaining ~= nil and storedReset > now
  local count = redis.call('ZCARD', inflight)
  -- Slots of a crashed replica (lease ended) are swept only when they could be what holds the group back.
  if count >= maxInFlight or (not known and count > 0) or (known and storedRemaining - count <= reserve) then
    redis.call('ZREMRANGEBYSCORE', inflight, '-inf', now)
    count = redis.call('ZCARD', inflight)
  end
  local taken = {}
  for j = 1, wanted do
    if count >= maxInFlight or (not known and count > 0) then
      verdict = 'busy'
      break
    end
    if known and storedRemaining - count <= reserve then
      untilMs = storedReset + padding
      block(untilMs, 'proactive')
      verdict = 'spent'
      break
    end
    if perMinute > 0 and started + 1 > perMinute then
      untilMs = roomAt()
      block(untilMs, 'proactive')
      verdict = 'ceiling'
      break
    end
    taken[#taken + 1], taken[#taken + 2] = leaseUntil, ARGV[a + j]
    count, granted, started = count + 1, granted + 1, started + 1
  end
  if granted > 0 then
    redis.call('ZADD', inflight, unpack(taken))
    redis.call('PEXPIRE', inflight, leaseUntil - now + 1000)
    if perMinute > 0 then
      redis.call('HINCRBY', budget, 'm' .. bucketNow, granted)
      -- The hash outlives the buckets in it (an answer's reset may keep it longer).
      local ttl = redis.call('PTTL', budget)
      if ttl < BUCKETS * BUCKET_MS then redis.call('PEXPIRE', budget, BUCKETS * BUCKET_MS) end
    end
  end
end
if blockKind ~= '' then
  -- blockKind lasts as long as its block (-1, no expiry yet, counts as shorter).
  local ttl = redis.call('PTTL', budget)
  if ttl < blockSet - now then redis.call('PEXPIRE', budget, blockSet - now) end
end
return { granted, verdict, tostring(untilMs), tostring(blockSet), blockKind }
