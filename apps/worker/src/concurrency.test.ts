import { waitFor } from '@gitsync/testing';
import { adaptConcurrency, eventLoopMeter } from './concurrency.js';

describe('adaptConcurrency', () => {
  it(
    'starts at the minimum, grows while every slot is taken and the loop has room, ' +
      'sheds slots while it is saturated, and lets unused slots decay',
    async () => {
      const worker = { concurrency: 50 };
      let utilization = 0.2;
      let inFlight = 0;
      let reads = 0;
      const readings = async (n: number) => {
        const from = reads;
        await waitFor(() => reads >= from + n || undefined, { message: `${n} more readings` });
      };
      const stop = adaptConcurrency(worker, {
        min: 8,
        max: 50,
        intervalMs: 2,
        inFlight: () => inFlight,
        utilization: () => (reads++, utilization),
      });
      try {
        expect(worker.concurrency).toBe(8);
        // Idle: an idle loop with free slots is no reason to take more jobs.
        await readings(5);
        expect(worker.concurrency).toBe(8);
        // Every slot taken, the jobs waiting on the provider: up to the maximum.
        inFlight = 1_000;
        await waitFor(() => worker.concurrency === 50 || undefined, { message: 'concurrency to grow to its maximum' });
        // Saturated: down to the minimum, and no lower.
        utilization = 1;
        await waitFor(() => worker.concurrency === 8 || undefined, { message: 'concurrency to reach its minimum' });
        await readings(5);
        expect(worker.concurrency).toBe(8);
        // Room in the loop, but not every slot taken: left alone.
        utilization = 0.5;
        inFlight = 6;
        await readings(5);
        expect(worker.concurrency).toBe(8);
        inFlight = 1_000;
        // Back up, then quiet: slots nobody uses decay to the minimum.
        utilization = 0.2;
        await waitFor(() => worker.concurrency === 50 || undefined, {
          message: 'concurrency to grow to its maximum again',
        });
        inFlight = 3;
        await waitFor(() => worker.concurrency === 8 || undefined, { message: 'unused slots to decay' });
      } finally {
        stop();
      }
    },
  );

  it('reads the event loop: a blocked loop is busy, an idle one is not', async () => {
    const read = eventLoopMeter();
    const until = performance.now() + 30;
    while (performance.now() < until); // keep the loop busy
    expect(read()).toBeGreaterThan(0.9);
    // Waiting on timers is no work: a reading soon says so (each reading covers the time since the last).
    await waitFor(() => read() < 0.5, { message: 'an idle event loop to read as idle' });
  });
});
