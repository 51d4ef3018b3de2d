import type { Job } from 'bullmq';
import type { RefreshDeps } from '@gitsync/gitsync';
import { systemClock, defaultTimings } from '@gitsync/gitsync';
import { createLogger } from '@gitsync/logger';
import { createWorkerMetrics } from '@gitsync/metrics';
import { PRIORITY } from '@gitsync/queue';
import { waitFor } from '@gitsync/testing';
import { createRefreshHandler } from './processor.js';
import { givingWay, RightOfWay } from './right-of-way.js';

/** A promise and the function that settles it: an urgent job that ends when the test says so. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/**
 * Records each step that started work: a row's load, a provider request. Every row is gone (a job
 * has nothing to refresh); `hold`: the load of that chat answers when `until` settles.
 */
function recordingDeps(steps: string[], hold?: { chatId: string; until: Promise<void> }): RefreshDeps<never> {
  return {
    providers: [],
    tokens: { getToken: async () => null },
    store: {
      load: async (chatId) => {
        steps.push(`load ${chatId}`);
        if (chatId === hold?.chatId) await hold.until;
        return null;
      },
      saveRefreshed: async () => ({ written: true, change: null }),
      saveOutcome: async () => ({ written: true, change: null }),
    },
    publisher: { publish: async () => undefined },
    pacer: {
      forGroup: (group) => ({
        acquire: async () => (steps.push(`request ${group}`), () => undefined),
      }),
    },
    clock: systemClock,
    timings: defaultTimings,
  };
}

describe('RightOfWay', () => {
  it('lets background steps through at once while no urgent job runs', () => {
    expect(new RightOfWay().clear()).toBeUndefined();
  });

  it("holds a background job's load and requests while an urgent job runs, and lets them go when it ends", async () => {
    const way = new RightOfWay(60_000);
    const steps: string[] = [];
    const background = givingWay(recordingDeps(steps), way);
    const urgent = gate();
    const running = way.urgentRun(() => urgent.opened.then(() => 'urgent done'));

    const load = background.store.load('c1');
    const request = background.pacer.forGroup('github:u1').acquire();
    await waitFor(() => way.waiters === 2 || undefined, { message: 'both background steps to wait' });
    expect(steps).toEqual([]);

    urgent.open();
    await expect(running).resolves.toBe('urgent done');
    await Promise.all([load, request]);
    expect(steps).toEqual(['load c1', 'request github:u1']);
    // Nothing runs now: the next step goes at once.
    expect(way.clear()).toBeUndefined();
  });

  it('waits for the last of several urgent jobs, and for an urgent job that failed', async () => {
    const way = new RightOfWay(60_000);
    const first = gate();
    const second = gate();
    const one = way.urgentRun(() => first.opened.then(() => Promise.reject(new Error('provider down'))));
    const two = way.urgentRun(() => second.opened);
    let through = false;
    void way.clear()!.then(() => (through = true));

    first.open();
    await expect(one).rejects.toThrow('provider down');
    expect(way.waiters).toBe(1);
    second.open();
    await two;
    await waitFor(() => through || undefined, { message: 'the background step to go on' });
  });

  it('lets background work go after maxWaitMs when an urgent job never ends', async () => {
    jest.useFakeTimers();
    try {
      const way = new RightOfWay(500);
      void way.urgentRun(() => new Promise(() => undefined));
      let through = false;
      void way.clear()!.then(() => (through = true));
      await jest.advanceTimersByTimeAsync(499);
      expect(through).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(through).toBe(true);
      expect(way.waiters).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('leaves the writes of a background job alone: its results are ready and go to the batches', async () => {
    const way = new RightOfWay(60_000);
    const background = givingWay(recordingDeps([]), way);
    const urgent = gate();
    void way.urgentRun(() => urgent.opened);
    await expect(
      background.store.saveOutcome({
        chatId: 'c1',
        generation: 1,
        outcome: 'no_provider',
        error: null,
        staleAt: new Date(),
        schedule: { intervalClass: 'error', intervalMs: null },
        clearUrl: false,
      }),
    ).resolves.toEqual({ written: true, change: null });
    urgent.open();
  });
});

describe('the refresh handler', () => {
  it("gives an on-demand job the right of way over the process's background jobs", async () => {
    const steps: string[] = [];
    const provider = gate();
    const urgentId = '00000000-0000-4000-8000-000000000001';
    const backgroundId = '00000000-0000-4000-8000-000000000002';
    const way = new RightOfWay(60_000);
    const handle = createRefreshHandler(
      recordingDeps(steps, { chatId: urgentId, until: provider.opened }),
      createLogger('test', { level: 'silent' }),
      createWorkerMetrics(),
      way,
    );
    const job = (priority: number) => ({ priority, queueName: 'refresh', id: String(priority) }) as Job;

    const urgent = handle({ chatId: urgentId, generation: 1 }, job(PRIORITY.onDemand));
    await waitFor(() => steps.includes(`load ${urgentId}`) || undefined, { message: 'the on-demand job to start' });
    const background = handle({ chatId: backgroundId, generation: 1 }, job(PRIORITY.background));
    // The background job is taken, but waits to start its work while the on-demand one runs.
    await waitFor(() => way.waiters === 1 || undefined, { message: 'the background job to wait' });
    expect(steps).toEqual([`load ${urgentId}`]);
    provider.open();
    await expect(urgent).resolves.toEqual({ skipped: 'no refreshable row' });
    await background;
    expect(steps).toEqual([`load ${urgentId}`, `load ${backgroundId}`]);
  });
});
