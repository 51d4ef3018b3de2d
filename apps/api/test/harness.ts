import type { FastifyInstance } from 'fastify';
import type { RedisConnection } from '@gitsync/redis';
import type { ProviderConfig } from '@gitsync/config';
import { ensureAdmin, type TokenCipher } from '@gitsync/db';
import { createRedisPublisher } from '@gitsync/events';
import { createLogger, type Logger } from '@gitsync/logger';
import { createRedis } from '@gitsync/redis';
import { GitsyncClient } from '@gitsync/sdk';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@gitsync/testing';
import { buildApp } from '../src/app.js';
import type { Quotas } from '../src/quotas.js';

export const ADMIN_KEY = 'test-admin-key-0123456789';

export interface ApiHarness {
  app: FastifyInstance;
  baseUrl: string;
  t: TestDatabase;
  r: TestRedis;
  redis: RedisConnection;
  /** JSON request against the running server, over real HTTP. */
  call(
    method: string,
    path: string,
    options?: { key?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  /** The SDK, as the holder of `key` (the admin by default). */
  client(key?: string): GitsyncClient;
  close(): Promise<void>;
}

export const githubProvider = (apiBaseUrl = 'https://api.github.com'): ProviderConfig => ({
  id: 'github',
  type: 'github',
  apiBaseUrl,
  originPattern: null,
  clientId: null,
  clientSecret: null,
  tokenUrl: null,
  webhookSecret: null,
});

export interface StartApiOptions {
  providers?: ProviderConfig[];
  /** Run on this database and Redis prefix (e.g. another API's of the test); they stay the owner's to drop. */
  on?: { t: TestDatabase; r: TestRedis };
  onDemandTimeoutMs?: number;
  sseHeartbeatMs?: number;
  webDir?: string;
  /**
   * Request quotas; off by default here (every test file's requests share one key and one address),
   * but event streams stay bounded as in production.
   */
  quotas?: Partial<Quotas>;
  /** Where the API logs (a stream a test reads); silent unless TEST_LOG_LEVEL says otherwise. */
  logger?: Logger;
  requestTimeoutMs?: number;
  tokenCipher?: TokenCipher;
  trustProxy?: boolean;
  maxApiKeysPerUser?: number;
}

export async function startApi(options: StartApiOptions = {}): Promise<ApiHarness> {
  const owned = !options.on;
  const t = options.on?.t ?? (await createTestDatabase());
  const r = options.on?.r ?? (await createTestRedis());
  const redis = createRedis(r.url, 'producer');
  await ensureAdmin(t.db, 'admin', ADMIN_KEY);
  const app = await buildApp({
    db: t.db,
    redis,
    publisher: createRedisPublisher(redis),
    providers: options.providers ?? [githubProvider()],
    queuePrefix: r.prefix,
    logger: options.logger ?? createLogger('api-test', { level: (process.env.TEST_LOG_LEVEL as 'info') ?? 'silent' }),
    quotas: { perKey: 0, refreshPerKey: 0, authFailuresPerAddress: 0, ...options.quotas },
    ...(options.onDemandTimeoutMs !== undefined && { onDemandTimeoutMs: options.onDemandTimeoutMs }),
    ...(options.sseHeartbeatMs !== undefined && { sseHeartbeatMs: options.sseHeartbeatMs }),
    ...(options.webDir !== undefined && { webDir: options.webDir }),
    ...(options.requestTimeoutMs !== undefined && { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.tokenCipher && { tokenCipher: options.tokenCipher }),
    ...(options.trustProxy !== undefined && { trustProxy: options.trustProxy }),
    ...(options.maxApiKeysPerUser !== undefined && { maxApiKeysPerUser: options.maxApiKeysPerUser }),
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
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON (Bull Board's HTML, metrics text): keep the text
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    client: (key = ADMIN_KEY) => new GitsyncClient({ baseUrl, apiKey: key }),
    async close() {
      await app.close();
      redis.disconnect();
      if (owned) {
        await r.cleanup();
        await t.drop();
      }
    },
  };
}
