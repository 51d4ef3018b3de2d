import { createRegistry } from './registry.js';
import { registerSystemMetrics, type SystemSources } from './system.js';
import { createWorkerMetrics } from './worker.js';

const sources = (overrides: Partial<SystemSources> = {}): SystemSources & { reads: number } => {
  const s = {
    reads: 0,
    async jobCounts() {
      s.reads++;
      return { 'diff-status-refresh': { prioritized: 20000, active: 3 } };
    },
    rowsByOutcome: async () => ({ refreshed: 5, none: 2 }),
    oldestDueRowAgeSeconds: async () => 42.5,
    rateLimitedGroups: async () => 1,
    rateLimitedGroupsByKind: async () => ({ primary: 0, secondary: 1, proactive: 0 }),
    ...overrides,
  };
  return s;
};

describe('system metrics', () => {
  it('reads every source once per scrape and exposes jobs, rows, age and rate-limited groups', async () => {
    const registry = createRegistry();
    const s = sources();
    registerSystemMetrics(registry, s);
    const text = await registry.metrics();
    expect(text).toContain('gitsync_queue_jobs{queue="diff-status-refresh",state="prioritized"} 20000');
    expect(text).toContain('gitsync_diff_status_rows{last_outcome="none"} 2');
    expect(text).toContain('gitsync_oldest_due_row_age_seconds 42.5');
    expect(text).toContain('gitsync_rate_limited_groups 1');
    expect(text).toContain('gitsync_rate_limited_groups_by_kind{kind="secondary"} 1');
    expect(text).toContain('gitsync_rate_limited_groups_by_kind{kind="proactive"} 0');
    expect(text).toContain('gitsync_metrics_source_up{source="jobCounts"} 1');
    expect(s.reads).toBe(1);
    await registry.metrics();
    expect(s.reads).toBe(2);
  });

  it('leaves out what a failing source would say instead of failing the scrape', async () => {
    const registry = createRegistry();
    registerSystemMetrics(registry, sources({ rateLimitedGroups: () => Promise.reject(new Error('redis down')) }));
    const text = await registry.metrics();
    expect(text).toContain('gitsync_metrics_source_up{source="rateLimitedGroups"} 0');
    // prom-client always prints a label-less gauge; up=0 is what tells that 0 means "unknown".
    expect(text).toMatch(/^gitsync_rate_limited_groups 0$/m);
    expect(text).toContain('gitsync_oldest_due_row_age_seconds 42.5');
  });

  it('lets two registries live in one process', async () => {
    const a = createRegistry({ labels: { app: 'a' } });
    const b = createRegistry();
    registerSystemMetrics(a, sources());
    registerSystemMetrics(b, sources());
    expect(await a.metrics()).toContain('app="a"');
  });
});

describe('worker metrics', () => {
  it('counts outcomes (all present from 0), provider answers with 304 apart, and refresh durations', async () => {
    const m = createWorkerMetrics();
    m.outcome('refreshed');
    m.outcome('rate_limited');
    m.providerRequest(200);
    m.providerRequest(304);
    m.providerRequest(304);
    m.providerRequest('error');
    m.startRefresh()();
    const text = await m.registry.metrics();
    expect(text).toContain('gitsync_refresh_outcomes_total{outcome="refreshed"} 1');
    expect(text).toContain('gitsync_refresh_outcomes_total{outcome="no_token"} 0');
    expect(text).toContain('gitsync_provider_requests_total{status="304"} 2');
    expect(text).toContain('gitsync_provider_requests_total{status="200"} 1');
    expect(text).toContain('gitsync_provider_requests_total{status="error"} 1');
    expect(text).toContain('gitsync_refresh_duration_seconds_count 1');
  });

  it('counts refreshes by the interval class that scheduled them, every class from 0', async () => {
    const m = createWorkerMetrics();
    m.scheduledBy('terminal');
    m.scheduledBy('terminal');
    m.scheduledBy('on_demand');
    const text = await m.registry.metrics();
    expect(text).toContain('gitsync_refreshes_by_interval_class_total{interval_class="terminal"} 2');
    expect(text).toContain('gitsync_refreshes_by_interval_class_total{interval_class="on_demand"} 1');
    expect(text).toContain('gitsync_refreshes_by_interval_class_total{interval_class="no_pr"} 0');
  });
});
