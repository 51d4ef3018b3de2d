import { Redis } from 'ioredis';
import { createTestRedis, type TestRedis } from '@gitsync/testing';
import { RedisRateLimitGate } from '../src/gate.js';

let r: TestRedis;
beforeAll(async () => {
  r = await createTestRedis();
});
afterAll(() => r.cleanup());

describe('RedisRateLimitGate', () => {
  it('a block seen by one replica stops another, and keeps the later reset', async () => {
    const other = new Redis(r.url);
    try {
      const a = new RedisRateLimitGate(r.client, r.prefix);
      const b = new RedisRateLimitGate(other, r.prefix);
      expect(await b.blockedUntil('gh:u1')).toBeNull();
      const until = new Date(Date.now() + 60_000);
      await a.block('gh:u1', until);
      await a.block('gh:u1', new Date(Date.now() + 1_000));
      expect((await b.blockedUntil('gh:u1'))?.getTime()).toBe(until.getTime());
      expect(await b.blockedUntil('gh:u2')).toBeNull();
      expect(await r.client.pttl(`${r.prefix}:ratelimit:gh:u1`)).toBeGreaterThan(50_000);
    } finally {
      other.disconnect();
    }
  });

  it('forgets a block once it is over', async () => {
    let now = Date.now();
    const gate = new RedisRateLimitGate(r.client, r.prefix, () => now);
    await gate.block('gh:u3', new Date(now + 5_000));
    expect(await gate.blockedUntil('gh:u3')).not.toBeNull();
    now += 6_000;
    expect(await gate.blockedUntil('gh:u3')).toBeNull();
  });
});
