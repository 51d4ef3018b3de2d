import { freePort, type AppProcess } from '@gitsync/testing';
import { rssBytes } from './procs.js';
import type { Bench } from './setup.js';

/**
 * Settings the bench gives the real workers besides the run's database, prefix and providers.
 * The TTL is an hour rather than 2 minutes: rows refreshed by one pass must not fall due again in
 * the middle of a later pass (a full run lasts several minutes). Everything else is the default,
 * but for the per-minute ceiling (below).
 */
export const WORKER_ENV: Record<string, string> = {
  GITSYNC_DIFF_STATUS_TTL: '1h',
  // Throughput phases drive a few fake tokens far past GitHub's secondary limit on purpose: no
  // ceiling, as in the figures measured before it existed (the budget phase sets its own).
  GITSYNC_GROUP_REQUESTS_PER_MINUTE: '0',
};

export interface WorkerProcess {
  app: AppProcess;
  /** Port of its /metrics, to count the jobs it ran. */
  healthPort: number;
  rssStartBytes: number | null;
}

export interface WorkerMemory {
  name: string;
  rssStartBytes: number | null;
  rssEndBytes: number | null;
  /** Refresh jobs it ran (its gitsync_refresh_outcomes_total). */
  jobs: number | null;
}

/** The environment a real worker of this run gets (printed and stored with the figures). */
export const workerEnv = (bench: Bench): Record<string, string> =>
  bench.env({ ...WORKER_ENV, ...bench.options.workerEnv });

export async function startWorker(bench: Bench, name: string, nodeArgs: string[] = []): Promise<WorkerProcess> {
  const healthPort = await freePort();
  const env = { ...workerEnv(bench), GITSYNC_HEALTH_PORT: String(healthPort) };
  const app = await bench.processes.app('worker', env, name, 'worker started', nodeArgs);
  return { app, healthPort, rssStartBytes: rssBytes(app.child.pid) };
}

/** Jobs a worker ran so far, from its Prometheus metrics; null when it does not answer. */
export async function jobsRun(worker: WorkerProcess): Promise<number | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${worker.healthPort}/metrics`, { signal: AbortSignal.timeout(5_000) });
    const text = await res.text();
    let total = 0;
    for (const line of text.split('\n')) {
      if (line.startsWith('gitsync_refresh_outcomes_total')) total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return total;
  } catch {
    return null;
  }
}

export async function workerMemory(worker: WorkerProcess): Promise<WorkerMemory> {
  return {
    name: worker.app.name,
    rssStartBytes: worker.rssStartBytes,
    rssEndBytes: rssBytes(worker.app.child.pid),
    jobs: await jobsRun(worker),
  };
}
