import { startApp } from '../src/apps.js';
import { stopAll } from '../src/processes.js';
import { createTestDatabase, type TestDatabase } from '../src/database.js';
import { createTestRedis, type TestRedis } from '../src/redis.js';

let t: TestDatabase;
let r: TestRedis;
beforeAll(async () => {
  [t, r] = await Promise.all([createTestDatabase(), createTestRedis()]);
});
afterAll(async () => {
  await r?.cleanup();
  await t?.drop();
});

const env = () => ({ DATABASE_URL: t.url, REDIS_URL: r.url, GITSYNC_QUEUE_PREFIX: r.prefix, LOG_LEVEL: 'info' });

describe('startApp', () => {
  it('starts the API on a port it bound itself and a worker with its health server, both ready', async () => {
    const [api, worker] = await Promise.all([startApp('api', env()), startApp('worker', env())]);
    try {
      for (const app of [api, worker]) {
        expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
      }
      expect(api.url).not.toBe('http://127.0.0.1:0');
    } finally {
      await stopAll([api, worker]);
    }
  });

  it('fails a start whose process exits at once, with its own words', async () => {
    await expect(startApp('worker', { ...env(), GITSYNC_WORKER_CONCURRENCY: 'many' })).rejects.toThrow(
      /worker exited with \d+ while starting[\s\S]*GITSYNC_WORKER_CONCURRENCY/,
    );
  });
});
