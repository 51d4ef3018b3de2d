import { Counter, Histogram, type Registry } from 'prom-client';
import { REFRESH_INTERVAL_CLASSES, refreshOutcomeSchema } from '@gitsync/contracts';
import { createRegistry } from './registry.js';

/**
 * The refresh pipeline's outcome kinds and `failed` for a job that threw (Postgres down…), the
 * API's own list, plus `skipped` for a job whose row was gone when it ran.
 */
export const REFRESH_OUTCOME_LABELS = [...refreshOutcomeSchema.options, 'skipped'] as const;
export type RefreshOutcomeLabel = (typeof REFRESH_OUTCOME_LABELS)[number];

/**
 * What scheduled a refresh: the rule that set the row's due time (gitsync's timings.ts), or
 * `on_demand` for a job somebody asked for (the API's refresh, a webhook).
 */
export const INTERVAL_CLASS_LABELS = [...REFRESH_INTERVAL_CLASSES, 'on_demand'] as const;
export type IntervalClassLabel = (typeof INTERVAL_CLASS_LABELS)[number];

/** What a worker process counts; each replica is scraped on its own and Prometheus sums them. */
export interface WorkerMetrics {
  readonly registry: Registry;
  /** One refresh finished with this outcome. */
  outcome(kind: RefreshOutcomeLabel): void;
  /** One refresh ran, scheduled by this rule: where the provider budget goes. */
  scheduledBy(intervalClass: IntervalClassLabel): void;
  /**
   * One provider HTTP answer by status. A 304 keeps its own label value: GitHub does not count
   * it against the rate limit, so its share is what conditional requests save. Use `error` for
   * requests that got no HTTP answer (timeout, connection refused).
   */
  providerRequest(status: number | 'error'): void;
  /** Starts timing one refresh; call the result when it ends. */
  startRefresh(): () => void;
}

/** Seconds; a refresh is two or three provider calls, so most land between 50 ms and 2 s. */
const DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createWorkerMetrics(registry: Registry = createRegistry()): WorkerMetrics {
  const outcomes = new Counter({
    name: 'gitsync_refresh_outcomes_total',
    help: 'Refreshes by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  // Every outcome appears from the start at 0, so rate() and alerts see a series before the first one.
  for (const outcome of REFRESH_OUTCOME_LABELS) outcomes.inc({ outcome }, 0);
  const scheduled = new Counter({
    name: 'gitsync_refreshes_by_interval_class_total',
    help: 'Refreshes by the rule that scheduled them (open PR TTL, merged/closed backoff, no PR …, on_demand).',
    labelNames: ['interval_class'] as const,
    registers: [registry],
  });
  for (const interval_class of INTERVAL_CLASS_LABELS) scheduled.inc({ interval_class }, 0);
  const requests = new Counter({
    name: 'gitsync_provider_requests_total',
    help: 'Provider HTTP answers by status; 304 (not counted by GitHub) has its own value.',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gitsync_refresh_duration_seconds',
    help: 'Time to refresh one row, provider calls and write-back included.',
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  return {
    registry,
    outcome: (kind) => outcomes.inc({ outcome: kind }),
    scheduledBy: (intervalClass) => scheduled.inc({ interval_class: intervalClass }),
    providerRequest: (status) => requests.inc({ status: String(status) }),
    startRefresh: () => {
      const end = duration.startTimer();
      return () => void end();
    },
  };
}
