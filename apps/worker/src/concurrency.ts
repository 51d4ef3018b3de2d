import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export interface Adjustable {
  concurrency: number;
}

export interface AdaptiveConcurrencyOptions {
  /** Never fewer jobs at once; where a worker starts. */
  min: number;
  /** Never more (GITSYNC_WORKER_CONCURRENCY). */
  max: number;
  /** Jobs running now. */
  inFlight: () => number;
  /** @defaultValue 100 ms */
  intervalMs?: number;
  /** Tests feed their own readings. @defaultValue the process's event-loop utilisation */
  utilization?: () => number;
}

/** Event-loop utilisation from which the process counts as CPU-bound. */
const BUSY = 0.9;

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
 * (an on-demand job would wait behind all of them) without refreshing more rows.
 *
 * Like TCP's slow start: the worker starts at `min`; while every slot is taken and the loop has
 * room, the slots grow by a quarter each interval (double while the loop is mostly idle, i.e. the
 * jobs wait on the provider); a saturated loop sheds a quarter. Slots that are not all taken never
 * grow, and while fewer than half are taken they halve (TCP's restart after idle): a burst after a
 * quiet spell starts near `min`, not hundreds of jobs deep.
 * Returns a stop function.
 */
export function adaptConcurrency(worker: Adjustable, options: AdaptiveConcurrencyOptions): () => void {
  const read = options.utilization ?? eventLoopMeter();
  worker.concurrency = options.min;
  const step = () => {
    const utilization = read();
    const current = worker.concurrency;
    const inFlight = options.inFlight();
    if (utilization >= BUSY) worker.concurrency = Math.max(options.min, Math.floor(current * 0.75));
    else if (inFlight < current / 2) worker.concurrency = Math.max(options.min, Math.ceil(current / 2));
    else if (inFlight >= current) {
      const grown = utilization < 0.5 ? current * 2 : current + Math.max(1, Math.ceil(current * 0.25));
      worker.concurrency = Math.min(options.max, grown);
    }
  };
  const timer = setInterval(step, options.intervalMs ?? 100);
  timer.unref();
  return () => clearInterval(timer);
}
