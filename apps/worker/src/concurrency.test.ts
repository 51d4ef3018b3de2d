import { waitFor } from '@gitsync/testing';
import { adaptConcurrency, eventLoopMeter } from './concurrency.js';

describe('adaptConcurrency', () => {
  it('sheds slots while the loop is saturated, down to the minimum, and grows back to the maximum when it has room', async () => {
    const worker = { concurrency: 50 };
    let utilization = 1;
    let reads = 0;
    const seen: number[] = [];
    const stop = adaptConcurrency(worker, { min: 8, max: 50, intervalMs: 2, utilization: () => (reads++, utilization) });
    try {
      await waitFor(() => (seen.push(worker.concurrency), worker.concurrency === 8) || undefined, { message: 'concurrency to reach its minimum' });
      expect(Math.min(...seen)).toBe(8);
      utilization = 0.5;
      await waitFor(() => worker.concurrency === 50 || undefined, { message: 'concurrency to grow back to its maximum' });
      utilization = 0.85; // between the two thresholds: left alone
      const steady = worker.concurrency;
      const from = reads;
      await waitFor(() => reads >= from + 5 || undefined, { message: 'five more readings' });
      expect(worker.concurrency).toBe(steady);
    } finally {
      stop();
    }
  });

  it('reads the event loop: a blocked loop is busy, an idle one is not', async () => {
    const read = eventLoopMeter();
    const until = performance.now() + 30;
    while (performance.now() < until); // keep the loop busy
    expect(read()).toBeGreaterThan(0.9);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(read()).toBeLessThan(0.5);
  });
});
