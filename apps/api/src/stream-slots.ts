import { randomUUID } from 'node:crypto';
import type { RedisConnection } from '@gitsync/redis';

/**
 * Takes a slot for one event stream of an API key, or refuses: every API replica shares the count.
 * A slot is a lease (renewed while its stream is open), so a replica that dies frees its slots.
 *
 * KEYS: the key's slot set (stream id → lease end, ms).
 * ARGV: stream id, lease (ms), most slots.
 * Returns 1 when taken, 0 when the key holds its most already.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ = now + tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], until_, ARGV[1])
redis.call('PEXPIREAT', KEYS[1], until_)
return 1
`;

/** Renews a slot's lease (KEYS: the slot set; ARGV: stream id, lease ms); nothing when it lapsed. */
const RENEW = `
local t = redis.call('TIME')
local until_ = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[2])
if redis.call('ZADD', KEYS[1], 'XX', 'CH', until_, ARGV[1]) == 1 then redis.call('PEXPIREAT', KEYS[1], until_) end
return 1
`;

type SlotRedis = RedisConnection & {
  gitsyncTakeStreamSlot(key: string, id: string, leaseMs: number, max: number): Promise<number>;
  gitsyncRenewStreamSlot(key: string, id: string, leaseMs: number): Promise<number>;
};

export interface StreamSlotsOptions {
  redis: RedisConnection;
  prefix: string;
  /** Open streams one API key may hold across replicas; 0: no bound. */
  perKey: number;
  /** @defaultValue 60 s (renewed every third of it) */
  leaseMs?: number;
}

/** Bounds the event streams each API key holds open, across every API replica. */
export class StreamSlots {
  private readonly redis: SlotRedis;
  private readonly leaseMs: number;

  constructor(private readonly options: StreamSlotsOptions) {
    const redis = options.redis as SlotRedis;
    if (!redis.gitsyncTakeStreamSlot) {
      redis.defineCommand('gitsyncTakeStreamSlot', { numberOfKeys: 1, lua: TAKE });
      redis.defineCommand('gitsyncRenewStreamSlot', { numberOfKeys: 1, lua: RENEW });
    }
    this.redis = redis;
    this.leaseMs = options.leaseMs ?? 60_000;
  }

  get perKey(): number {
    return this.options.perKey;
  }

  /** A slot for one stream of `keyId`, released by the returned function; null when the key holds its most. */
  async take(keyId: string): Promise<(() => Promise<void>) | null> {
    if (this.options.perKey <= 0) return async () => undefined;
    const set = `${this.options.prefix}:streams:${keyId}`;
    const id = randomUUID();
    if ((await this.redis.gitsyncTakeStreamSlot(set, id, this.leaseMs, this.options.perKey)) !== 1) return null;
    const renew = setInterval(() => {
      this.redis.gitsyncRenewStreamSlot(set, id, this.leaseMs).catch(() => undefined);
    }, this.leaseMs / 3);
    renew.unref();
    return async () => {
      clearInterval(renew);
      await this.redis.zrem(set, id);
    };
  }
}
