import { startPrivateRedis } from '../src/redis-server.js';

describe('startPrivateRedis', () => {
  it('serves a Redis of its own until stopped', async () => {
    const redis = await startPrivateRedis(['--requirepass', 'p@ss word']);
    try {
      expect(await redis.client.set('k', 'v')).toBe('OK');
      expect(redis.url).toMatch(/^redis:\/\/:p%40ss%20word@127\.0\.0\.1:\d+$/);
    } finally {
      await redis.stop();
    }
  });

  it('fails at once with what redis-server said when it exits instead of serving', async () => {
    await expect(startPrivateRedis(['--maxmemory-policy', 'no-such-policy'])).rejects.toThrow(
      /redis-server exited instead of serving port \d+:[\s\S]*maxmemory-policy/,
    );
  });
});
