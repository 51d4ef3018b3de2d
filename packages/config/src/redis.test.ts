import { z } from 'zod';
import { baseEnv } from './fields.js';
import { parseEnv } from './parse.js';
import { redisSettings } from './redis.js';

const schema = z.object(baseEnv);
const settings = (env: Record<string, string>) => redisSettings(parseEnv(schema, env));

describe('Redis settings', () => {
  it('one server with the plain prefix by default', () => {
    expect(settings({})).toEqual({
      redis: { urls: ['redis://127.0.0.1:6379'], cluster: false },
      GITSYNC_QUEUE_PREFIX: 'gitsync',
    });
  });

  it('a cluster when REDIS_URL lists several nodes, or REDIS_CLUSTER=true names one; {gitsync} by default', () => {
    expect(settings({ REDIS_URL: 'redis://a:7000, redis://b:7001' })).toEqual({
      redis: { urls: ['redis://a:7000', 'redis://b:7001'], cluster: true },
      GITSYNC_QUEUE_PREFIX: '{gitsync}',
    });
    expect(settings({ REDIS_URL: 'rediss://:pw@a:7000', REDIS_CLUSTER: 'true' })).toEqual({
      redis: { urls: ['rediss://:pw@a:7000'], cluster: true },
      GITSYNC_QUEUE_PREFIX: '{gitsync}',
    });
    expect(settings({ REDIS_CLUSTER: 'true', GITSYNC_QUEUE_PREFIX: '{team-a}' }).GITSYNC_QUEUE_PREFIX).toBe('{team-a}');
  });

  it('accepts a hash-tag prefix on one server too', () => {
    expect(settings({ GITSYNC_QUEUE_PREFIX: '{gitsync}' }).GITSYNC_QUEUE_PREFIX).toBe('{gitsync}');
  });

  it('refuses, naming the variable, a cluster prefix without a hash tag and malformed values', () => {
    expect(() => settings({ REDIS_CLUSTER: 'true', GITSYNC_QUEUE_PREFIX: 'gitsync' })).toThrow(
      /GITSYNC_QUEUE_PREFIX: must be a hash tag such as \{gitsync\}/,
    );
    expect(() => settings({ GITSYNC_QUEUE_PREFIX: '{git}sync' })).toThrow(/GITSYNC_QUEUE_PREFIX/);
    expect(() => settings({ GITSYNC_QUEUE_PREFIX: 'a:b' })).toThrow(/GITSYNC_QUEUE_PREFIX/);
    expect(() => settings({ REDIS_URL: 'redis://a:7000,http://b' })).toThrow(/REDIS_URL: must be a redis/);
    expect(() => settings({ REDIS_CLUSTER: 'yes' })).toThrow(/REDIS_CLUSTER/);
  });
});
