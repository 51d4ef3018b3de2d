import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export interface Adjustable {
  concurrency: number;
}

export interface AdaptiveConcurrencyOptions {
  /** Never fewer jobs at once. */
  min: number;
  /** Never more (GITSYNC_WORKER_CONCURRENCY). */
  max: number;
  /** Event-loop utilisation above which the process counts as CPU-bound. @defaultValue 0.9 */
  busy?: number;
  /** @defaultValue 100 ms */
  intervalMs?: number;
  /** Tests feed their own readings. @defaultValue the process's event-loop utilisation */
  utilization?: () => number;
}

/** The event loop's utilisation since the previous call (0..1). */
export function eventLoopMeter(): () => number {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, last);
    last = now;
    return utilization;
  };
}

/**
 * Runs as many jobs at once as keep the process busy, and no more. Concurrency hides provider
 * latency, but once the event loop is saturated more jobs in flight only make each of them slower
 * (an on-demand job would wait behind all of them) without refreshing more rows: so a saturated
 * loop sheds a quarter of its slots each interval, and a loop with room gets a quarter more (twice
 * as many when it is mostly idle), up to the configured maximum. Returns a stop function.
 */
export function adaptConcurrency(worker: Adjustable, options: AdaptiveConcurrencyOptions): () => void {
  const busy = options.busy ?? 0.9;
  const read = options.utilization ?? eventLoopMeter();
  const step = () => {
    const utilization = read();
    const current = worker.concurrency;
    if (utilization >= busy) worker.concurrency = Math.max(options.min, Math.floor(current * 0.75));
    else if (utilization < busy - 0.1) {
      // A mostly idle loop (provider latency, a new burst) doubles: back to the maximum within a second.
      const grown = utilization < 0.5 ? current * 2 : current + Math.max(1, Math.ceil(current * 0.25));
      worker.concurrency = Math.min(options.max, grown);
    }
  };
  const timer = setInterval(step, options.intervalMs ?? 100);
  timer.unref();
  return () => clearInterval(timer);
}
