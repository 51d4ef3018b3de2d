import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { ProviderConfig } from '@gitsync/config';
import { ensureAdmin } from '@gitsync/db';
import { createRedisPublisher } from '@gitsync/events';
import { createLogger } from '@gitsync/logger';
import { createRedis } from '@gitsync/queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@gitsync/testing';
import { buildApp } from '../src/app.js';

export const ADMIN_KEY = 'test-admin-key-0123456789';

export interface ApiHarness {
  app: FastifyInstance;
  baseUrl: string;
  t: TestDatabase;
  r: TestRedis;
  redis: Redis;
  /** JSON request against the running server, over real HTTP. */
  call(method: string, path: string, options?: { key?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

const github: ProviderConfig = {
  id: 'github',
  type: 'github',
  apiBaseUrl: 'https://api.github.com',
  originPattern: null,
  clientId: null,
  clientSecret: null,
  tokenUrl: null,
  webhookSecret: null,
};

export async function startApi(providers: ProviderConfig[] = [github]): Promise<ApiHarness> {
  const t = await createTestDatabase();
  const r = await createTestRedis();
  const redis = createRedis(r.url, 'producer');
  await ensureAdmin(t.db, 'admin', ADMIN_KEY);
  const app = await buildApp({
    db: t.db,
    redis,
    publisher: createRedisPublisher(redis),
    providers,
    queuePrefix: r.prefix,
    logger: createLogger('api-test', { level: 'silent' }),
  });
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    baseUrl,
    t,
    r,
    redis,
    async call(method, path, { key = ADMIN_KEY, body, headers = {} } = {}) {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          ...(key !== null && { authorization: `Bearer ${key}` }),
          ...(body !== undefined && { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async close() {
      await app.close();
      redis.disconnect();
      await r.cleanup();
      await t.drop();
    },
  };
}
