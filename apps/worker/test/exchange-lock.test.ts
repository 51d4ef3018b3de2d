import { createTestRedis, waitFor, type TestRedis } from '@gitsync/testing';
import { createRedisExchangeLock } from '../src/exchange-lock.js';

let r: TestRedis;
beforeAll(async () => {
  r = await createTestRedis();
});
afterAll(() => r?.cleanup());

const lockOf = (onWait?: (key: string) => void) =>
  createRedisExchangeLock({
    redis: r.client,
    prefix: r.prefix,
    leaseMs: 30_000,
    retryMs: 5,
    ...(onWait && { onWait }),
  });
const lockKey = (key: string) => `${r.prefix}:token-exchange:{${key}}`;

describe('createRedisExchangeLock', () => {
  it('lets one holder of a key run at a time; the other waits, then runs; other keys do not wait', async () => {
    const order: string[] = [];
    let finishFirst!: () => void;
    const waited: string[] = [];
    const first = lockOf().withLock('github:u1', async () => {
      order.push('first runs');
      await new Promise<void>((resolve) => (finishFirst = resolve));
      order.push('first done');
    });
    await waitFor(() => order.includes('first runs'));
    // Held in Redis by a random id, nothing the caller gave.
    expect(await r.client.get(lockKey('github:u1'))).toMatch(/^[0-9a-f-]{36}$/);
    const second = lockOf((key) => waited.push(key)).withLock('github:u1', async () => order.push('second runs'));
    expect(await lockOf().withLock('github:u2', async () => 'other key')).toBe('other key');
    await waitFor(() => waited.length === 1, { message: 'the second to wait' });
    expect(waited).toEqual(['github:u1']);
    expect(order).toEqual(['first runs']);
    finishFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first runs', 'first done', 'second runs']);
    expect(await r.client.exists(lockKey('github:u1'))).toBe(0);
  });

  it("releases only its own lock, and takes a dead holder's once its lease ran out", async () => {
    await r.client.set(lockKey('github:u3'), 'someone-else', 'PX', 300);
    expect(await lockOf().withLock('github:u3', async () => r.client.get(lockKey('github:u3')))).not.toBe(
      'someone-else',
    );
    await lockOf().withLock('github:u4', async () => {
      // Its lease lapsed and another process took the lock: releasing must leave that one alone.
      await r.client.set(lockKey('github:u4'), 'the-next-holder');
    });
    expect(await r.client.get(lockKey('github:u4'))).toBe('the-next-holder');
  });

  it('a failing run releases the lock and fails its caller', async () => {
    await expect(
      lockOf().withLock('github:u5', async () => {
        throw new Error('exchange refused');
      }),
    ).rejects.toThrow('exchange refused');
    expect(await r.client.exists(lockKey('github:u5'))).toBe(0);
  });
});
