import { defaultTimings, nextRefresh, nextStaleAt, type OutcomeFacts } from './timings.js';

const now = new Date('2026-01-01T12:00:00Z');
const at = (kind: OutcomeFacts['kind'], extra: Partial<OutcomeFacts> = {}) =>
  nextStaleAt({ kind, now, ...extra }, defaultTimings).getTime() - now.getTime();
const MIN = 60_000;
const HOUR = 60 * MIN;

/** The waits a row gets while nothing changes, each refresh starting from the stored interval. */
function waits(first: Omit<OutcomeFacts, 'now'>, count: number): number[] {
  const out: number[] = [];
  let previousIntervalMs: number | null = first.previousIntervalMs ?? null;
  for (let i = 0; i < count; i++) {
    const next = nextRefresh(
      { ...first, now, unchanged: i > 0 || first.unchanged, previousIntervalMs },
      defaultTimings,
    );
    out.push(next.staleAt.getTime() - now.getTime());
    previousIntervalMs = next.intervalMs;
  }
  return out;
}

describe('nextStaleAt (SPEC §3.4)', () => {
  it('follows the backoff table', () => {
    expect(at('refreshed', { state: 'open' })).toBe(120_000);
    expect(at('no_token')).toBe(600_000);
    expect(at('provider_error')).toBe(120_000);
    expect(at('no_provider')).toBe(120_000);
  });

  it('looks for a missing PR again in 15 s only right after a report', () => {
    expect(at('no_pr', { markedStaleAt: new Date(now.getTime() - 30_000) })).toBe(15_000);
    expect(at('no_pr', { markedStaleAt: new Date(now.getTime() - 180_000) })).toBe(300_000);
    expect(at('no_pr', { markedStaleAt: null })).toBe(300_000);
  });

  it("waits for the group's reset when rate limited", () => {
    const resetAt = new Date(now.getTime() + 3_600_000);
    expect(at('rate_limited', { resetAt })).toBe(3_600_000);
  });
});

describe('the state-aware schedule (issue 15)', () => {
  it('looks at a merged or closed PR after 1 h, then doubles while nothing changes, at most 24 h', () => {
    for (const state of ['merged', 'closed'] as const)
      expect(waits({ kind: 'refreshed', state, unchanged: false }, 7)).toEqual(
        [1, 2, 4, 8, 16, 24, 24].map((h) => h * HOUR),
      );
  });

  it('starts a terminal PR over at 1 h when it changed (another head, another PR)', () => {
    const next = nextRefresh(
      { kind: 'refreshed', now, state: 'merged', unchanged: false, previousIntervalMs: 16 * HOUR },
      defaultTimings,
    );
    expect(next).toMatchObject({ intervalClass: 'terminal', intervalMs: HOUR });
  });

  it('brings a reopened PR back to the TTL', () => {
    const next = nextRefresh(
      { kind: 'refreshed', now, state: 'open', unchanged: false, previousIntervalMs: 24 * HOUR },
      defaultTimings,
    );
    expect(next.staleAt.getTime() - now.getTime()).toBe(2 * MIN);
    expect(next).toMatchObject({ intervalClass: 'open', intervalMs: 2 * MIN });
  });

  it('backs a missing PR off from 5 min, doubling, at most 1 h', () => {
    expect(waits({ kind: 'no_pr', markedStaleAt: null, unchanged: true }, 6)).toEqual(
      [5, 10, 20, 40, 60, 60].map((m) => m * MIN),
    );
  });

  it('keeps the 15 s retry right after a report, and starts the backoff afresh after it', () => {
    const recent = nextRefresh(
      { kind: 'no_pr', now, markedStaleAt: new Date(now.getTime() - 1_000), unchanged: true, previousIntervalMs: HOUR },
      defaultTimings,
    );
    expect(recent).toMatchObject({ intervalClass: 'no_pr_recent', intervalMs: null });
    expect(recent.staleAt.getTime() - now.getTime()).toBe(15_000);
  });

  it('keeps the interval through errors, limits and a missing token', () => {
    for (const kind of ['provider_error', 'no_provider', 'no_token', 'rate_limited'] as const)
      expect(nextRefresh({ kind, now, previousIntervalMs: 8 * HOUR }, defaultTimings).intervalMs).toBe(8 * HOUR);
    const afterError = nextRefresh(
      { kind: 'refreshed', now, state: 'merged', unchanged: true, previousIntervalMs: 8 * HOUR },
      defaultTimings,
    );
    expect(afterError.intervalMs).toBe(16 * HOUR);
  });

  it('names the rule that chose each wait', () => {
    const classOf = (facts: Omit<OutcomeFacts, 'now'>) => nextRefresh({ ...facts, now }, defaultTimings).intervalClass;
    expect(classOf({ kind: 'refreshed', state: 'open' })).toBe('open');
    expect(classOf({ kind: 'no_token' })).toBe('no_token');
    expect(classOf({ kind: 'provider_error' })).toBe('error');
    expect(classOf({ kind: 'rate_limited', resetAt: now })).toBe('rate_limited');
  });
});
