import { ProviderError, RateLimitError } from '@gitsync/gitprovider';
import { withRetry } from './retry.js';

const clock = { now: () => new Date(), sleep: jest.fn(async (_ms: number) => undefined) };

describe('withRetry', () => {
  it('retries transient failures with growing pauses, then succeeds', async () => {
    let calls = 0;
    const result = await withRetry(
      async () => {
        if (++calls < 3) throw new ProviderError('HTTP 502', { kind: 'http', status: 502 });
        return 'ok';
      },
      { attempts: 3, baseDelayMs: 100 },
      clock,
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    const pauses = clock.sleep.mock.calls.map(([ms]) => ms as number);
    expect(pauses[0]).toBeGreaterThanOrEqual(50);
    expect(pauses[0]).toBeLessThanOrEqual(100);
    expect(pauses[1]).toBeGreaterThanOrEqual(100);
    expect(pauses[1]).toBeLessThanOrEqual(200);
  });

  it('gives up after the last attempt and never retries what retrying cannot fix', async () => {
    const fail = (err: Error) =>
      jest.fn(async () => {
        throw err;
      });
    const transient = fail(new ProviderError('timeout', { kind: 'network' }));
    await expect(withRetry(transient, { attempts: 2, baseDelayMs: 1 }, clock)).rejects.toThrow('timeout');
    expect(transient).toHaveBeenCalledTimes(2);
    const refused = new ProviderError('link leaves the API', { kind: 'refused' });
    const malformed = new ProviderError('invalid JSON', { kind: 'malformed', status: 200 });
    const notFound = new ProviderError('HTTP 404', { kind: 'http', status: 404 });
    for (const err of [
      notFound,
      refused,
      malformed,
      new RateLimitError(new Date(), { kind: 'provider', status: 429, limit: 'secondary' }),
      new TypeError('bug'),
    ]) {
      const call = fail(err);
      await expect(withRetry(call, { attempts: 3, baseDelayMs: 1 }, clock)).rejects.toBe(err);
      expect(call).toHaveBeenCalledTimes(1);
    }
  });
});
