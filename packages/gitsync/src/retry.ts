import { ProviderError } from '@gitsync/gitprovider';
import type { Clock } from './ports.js';

export interface RetryPolicy {
  /** Tries in all, the first included. @defaultValue 3 */
  attempts: number;
  /** First pause; doubled each time, with full jitter. @defaultValue 250 ms */
  baseDelayMs: number;
}

export const defaultRetry: RetryPolicy = { attempts: 3, baseDelayMs: 250 };

/** Retries transient provider failures (5xx, network, timeout) with exponential backoff and jitter. */
export async function withRetry<T>(call: () => Promise<T>, policy: RetryPolicy, clock: Clock): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof ProviderError) || !err.transient || attempt >= policy.attempts) throw err;
      const cap = policy.baseDelayMs * 2 ** (attempt - 1);
      await clock.sleep(cap / 2 + Math.random() * (cap / 2));
    }
  }
}
