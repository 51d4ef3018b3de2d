import { waitFor } from '@gitsync/testing';
import type { Queue } from 'bullmq';

/**
 * A wait's deadline for `n` items: long enough at `minRate` items/s (far below anything this
 * system does) and never under a minute, so a stuck run fails instead of hanging.
 */
export const deadlineMs = (n: number, minRate = 100): number => Math.max(60_000, Math.ceil((n / minRate) * 1000));

/** Jobs still to be done: waiting, prioritized, delayed or running. */
export async function jobsLeft(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts('wait', 'prioritized', 'delayed', 'active', 'waiting-children');
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** Waits until the queue has nothing left to do; resolves with the time it was seen empty. */
export async function waitQueueEmpty(queue: Queue, timeoutMs: number, what: string): Promise<number> {
  let left = -1;
  await waitFor(
    async () => {
      left = await jobsLeft(queue);
      return left === 0 || undefined;
    },
    { timeoutMs, intervalMs: 20, message: () => `${what}: queue ${queue.name} to empty (${left} jobs left)` },
  );
  return performance.now();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
