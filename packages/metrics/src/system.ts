import { Gauge, type Registry } from 'prom-client';

/** Where the system-wide numbers come from; read once per scrape (a source may keep what it read: row counts). */
export interface SystemSources {
  /** Jobs per queue and state: `{'diff-status-refresh': {prioritized: 12, active: 3, …}}` (BullMQ getJobCounts). */
  jobCounts(): Promise<Record<string, Record<string, number>>>;
  /** Diff-status rows per last refresh outcome (`none` for never refreshed). */
  rowsByOutcome(): Promise<Record<string, number>>;
  /** Seconds the oldest due row has been waiting; 0 when none is due. */
  oldestDueRowAgeSeconds(): Promise<number>;
  /** Rate-limit groups currently blocked. */
  rateLimitedGroups(): Promise<number>;
  /** The same by why: `{primary: 1, secondary: 0, proactive: 2}` (a group counts under its latest block's kind). */
  rateLimitedGroupsByKind(): Promise<Record<string, number>>;
}

type Snapshot = { [K in keyof SystemSources]: Awaited<ReturnType<SystemSources[K]>> | null };

/**
 * Registers the metrics that describe the whole system rather than one process: they are read
 * from BullMQ and Postgres at scrape time, so any API replica reports the same numbers and a
 * restarted one loses nothing. A source that fails (Redis down) does not fail the whole scrape:
 * its labelled series are left out, its label-less gauge reads 0 (prom-client always prints
 * those), and `gitsync_metrics_source_up{source}` is 0 — alert on that, not on the zeros.
 */
export function registerSystemMetrics(registry: Registry, sources: SystemSources): void {
  // prom-client calls every metric's collect() in the same tick; they share one read of the sources.
  let inFlight: Promise<Snapshot> | null = null;
  const snapshot = () => (inFlight ??= read(sources).finally(() => (inFlight = null)));

  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (g: Gauge<L>, s: Snapshot) => void,
  ) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const s = await snapshot();
        this.reset();
        fill(this, s);
      },
    });

  gauge('gitsync_queue_jobs', 'Jobs per queue and state (BullMQ), read at scrape time.', ['queue', 'state'], (g, s) => {
    for (const [queue, counts] of Object.entries(s.jobCounts ?? {})) {
      for (const [state, n] of Object.entries(counts)) g.set({ queue, state }, n);
    }
  });
  gauge(
    'gitsync_diff_status_rows',
    'Diff-status rows per last refresh outcome (none: never refreshed).',
    ['last_outcome'],
    (g, s) => {
      for (const [outcome, n] of Object.entries(s.rowsByOutcome ?? {})) g.set({ last_outcome: outcome }, n);
    },
  );
  gauge(
    'gitsync_oldest_due_row_age_seconds',
    'How long the oldest due row has waited to be refreshed (0: none due).',
    [],
    (g, s) => {
      if (s.oldestDueRowAgeSeconds !== null) g.set(s.oldestDueRowAgeSeconds);
    },
  );
  gauge('gitsync_rate_limited_groups', 'Rate-limit groups (provider + token owner) currently blocked.', [], (g, s) => {
    if (s.rateLimitedGroups !== null) g.set(s.rateLimitedGroups);
  });
  gauge(
    'gitsync_rate_limited_groups_by_kind',
    'Rate-limit groups currently blocked, by why: primary (hourly budget), secondary (per-minute or ' +
      'concurrency limit), proactive (gitsync stopped first: budget spent or per-minute ceiling).',
    ['kind'],
    (g, s) => {
      for (const [kind, n] of Object.entries(s.rateLimitedGroupsByKind ?? {})) g.set({ kind }, n);
    },
  );
  gauge(
    'gitsync_metrics_source_up',
    '1 when the source of the system metrics answered this scrape.',
    ['source'],
    (g, s) => {
      for (const [source, value] of Object.entries(s)) g.set({ source }, value === null ? 0 : 1);
    },
  );
}

async function read(sources: SystemSources): Promise<Snapshot> {
  const [jobCounts, rowsByOutcome, oldestDueRowAgeSeconds, rateLimitedGroups, rateLimitedGroupsByKind] =
    await Promise.allSettled([
      sources.jobCounts(),
      sources.rowsByOutcome(),
      sources.oldestDueRowAgeSeconds(),
      sources.rateLimitedGroups(),
      sources.rateLimitedGroupsByKind(),
    ]);
  const value = <T>(r: PromiseSettledResult<T>): T | null => (r.status === 'fulfilled' ? r.value : null);
  return {
    jobCounts: value(jobCounts),
    rowsByOutcome: value(rowsByOutcome),
    oldestDueRowAgeSeconds: value(oldestDueRowAgeSeconds),
    rateLimitedGroups: value(rateLimitedGroups),
    rateLimitedGroupsByKind: value(rateLimitedGroupsByKind),
  };
}
