import type { AddressInfo } from 'node:net';
import { startHealthServer } from './health.js';

describe('startHealthServer', () => {
  it('is alive always and ready only when every check resolves', async () => {
    let redisUp = true;
    const server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      checks: { postgres: async () => 1, redis: async () => (redisUp ? 'PONG' : Promise.reject(new Error('down'))) },
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${base}/readyz`)).json()).toEqual({
        status: 'ready',
        checks: { postgres: true, redis: true },
      });
      redisUp = false;
      const down = await fetch(`${base}/readyz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ status: 'unavailable', checks: { postgres: true, redis: false } });
    } finally {
      server.close();
    }
  });
});
