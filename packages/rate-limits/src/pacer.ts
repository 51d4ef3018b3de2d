import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimitError, type RequestPacer, type ResponseInfo } from '@gitsync/gitprovider';
import { blockKey } from './gate.js';

export interface GroupPacerOptions {
  redis: Redis;
  prefix: string;
  /** Requests one group may have in flight across every replica. @defaultValue 50 */
  maxInFlight?: number;
  /** Requests left untouched in the group's budget. @defaultValue 0 */
  reserve?: number;
  /** A slot of a crashed replica frees itself after this long. @defaultValue 30 s */
  slotLeaseMs?: number;
  /** Added to the reset time when the budget is spent. @defaultValue 5 s */
  paddingMs?: number;
  /** Pause between tries while the group is at its in-flight bound. @defaultValue 20 ms */
  retryDelayMs?: number;
  now?: () => number;
}

/**
 * Takes a slot for one request. Order: a blocked group waits for its reset; a group at its
 * in-flight bound waits for a slot; a group whose known budget (the last `x-ratelimit-remaining`
 * minus the requests still in flight) is spent is blocked until its reset, before GitHub has to
 * say so. While a group's budget is unknown (first request, new window) one request at a time
 * goes out to learn it.
 */
const ACQUIRE = `
local now = tonumber(ARGV[1])
local blocked = tonumber(redis.call('GET', KEYS[1]) or '0')
if blocked > now then return {'blocked', tostring(blocked)} end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
local inflight = redis.call('ZCARD', KEYS[3])
if inflight >= tonumber(ARGV[4]) then return {'busy', '0'} end
local remaining = redis.call('HGET', KEYS[2], 'remaining')
local reset = tonumber(redis.call('HGET', KEYS[2], 'reset') or '0')
if remaining and reset > now then
  if tonumber(remaining) - inflight <= tonumber(ARGV[5]) then
    local untilMs = reset + tonumber(ARGV[6])
    redis.call('SET', KEYS[1], untilMs, 'PX', untilMs - now)
    return {'spent', tostring(untilMs)}
  end
elseif inflight > 0 then
  return {'busy', '0'}
end
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[3]) - now + 1000)
return {'ok', '0'}
`;

/**
 * Frees the slot and records what the response said. Within one window the server's remaining
 * count only goes down, so the smaller value wins (answers may arrive out of order); a later
 * reset means a new window.
 */
const RELEASE = `
redis.call('ZREM', KEYS[2], ARGV[1])
if ARGV[2] == '' then return 0 end
local remaining = tonumber(ARGV[2])
local reset = tonumber(ARGV[3])
local current = redis.call('HGET', KEYS[1], 'remaining')
local currentReset = tonumber(redis.call('HGET', KEYS[1], 'reset') or '0')
if not current or reset > currentReset then
  redis.call('HSET', KEYS[1], 'remaining', remaining, 'reset', reset)
elseif reset == currentReset and remaining < tonumber(current) then
  redis.call('HSET', KEYS[1], 'remaining', remaining)
end
redis.call('PEXPIREAT', KEYS[1], reset + 60000)
return 1
`;

type PacerRedis = Redis & {
  gitsyncPacerAcquire(...args: string[]): Promise<[string, string]>;
  gitsyncPacerRelease(...args: string[]): Promise<number>;
};

/** Registers the scripts once per connection, so each call is an EVALSHA, not the whole script. */
function withScripts(redis: Redis): PacerRedis {
  const r = redis as PacerRedis;
  if (typeof r.gitsyncPacerAcquire !== 'function') {
    redis.defineCommand('gitsyncPacerAcquire', { numberOfKeys: 3, lua: ACQUIRE });
    redis.defineCommand('gitsyncPacerRelease', { numberOfKeys: 2, lua: RELEASE });
  }
  return r;
}

/** Paces every replica's requests of one rate-limit group through Redis. */
export class RedisGroupPacer {
  private readonly redis: PacerRedis;
  private readonly maxInFlight: number;
  private readonly reserve: number;
  private readonly slotLeaseMs: number;
  private readonly paddingMs: number;
  private readonly retryDelayMs: number;
  private readonly now: () => number;

  constructor(private readonly options: GroupPacerOptions) {
    this.maxInFlight = options.maxInFlight ?? 50;
    this.reserve = options.reserve ?? 0;
    this.slotLeaseMs = options.slotLeaseMs ?? 30_000;
    this.paddingMs = options.paddingMs ?? 5_000;
    this.retryDelayMs = options.retryDelayMs ?? 20;
    this.now = options.now ?? Date.now;
    this.redis = withScripts(options.redis);
  }

  forGroup(group: string): RequestPacer {
    const keys = [blockKey(this.options.prefix, group), `${this.options.prefix}:budget:${group}`, `${this.options.prefix}:inflight:${group}`];
    return {
      acquire: async () => {
        const slot = randomUUID();
        for (;;) {
          const now = this.now();
          const [verdict, until] = await this.redis.gitsyncPacerAcquire(
            ...keys,
            String(now),
            slot,
            String(now + this.slotLeaseMs),
            String(this.maxInFlight),
            String(this.reserve),
            String(this.paddingMs),
          );
          if (verdict === 'ok') return (info: ResponseInfo) => void this.release(keys, slot, info);
          if (verdict === 'blocked' || verdict === 'spent') throw new RateLimitError(new Date(Number(until)), 0);
          await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
        }
      },
    };
  }

  private async release(keys: string[], slot: string, info: ResponseInfo): Promise<void> {
    const known = info.remaining !== null && info.resetAt !== null;
    await this.redis
      .gitsyncPacerRelease(keys[1]!, keys[2]!, slot, known ? String(info.remaining) : '', known ? String(info.resetAt!.getTime()) : '')
      .catch(() => undefined); // a lost release only costs the slot until its lease ends
  }
}
