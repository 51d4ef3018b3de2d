import type { PullRequestState, RefreshIntervalClass, RefreshOutcome } from '@gitsync/contracts';

/** SPEC §3.4's durations, in milliseconds. */
export interface Timings {
  /** After a refresh of an open PR. @defaultValue 2 min */
  diffStatusTtlMs: number;
  /** When the owner has no token linked. @defaultValue 10 min */
  noTokenBackoffMs: number;
  /** No PR yet and the agent reported recently: look again soon. @defaultValue 15 s */
  noPrRetryMs: number;
  /** How recent "recently" is. @defaultValue 2 min */
  noPrWindowMs: number;
  /** After a provider or network error. @defaultValue 2 min */
  errorBackoffMs: number;
  /** The scheduler's claim lease. @defaultValue 5 min */
  leaseMs: number;
  /** The first wait for a PR that has not appeared for a while (the lease's length, as before). @defaultValue 5 min */
  noPrBackoffMs: number;
  /** The no-PR wait doubles up to this. @defaultValue 1 h */
  noPrBackoffMaxMs: number;
  /** A merged or closed PR first seen so (or changed) is looked at again after this. @defaultValue 1 h */
  terminalIntervalMs: number;
  /** The merged/closed interval doubles while nothing changes, up to this. @defaultValue 24 h */
  terminalIntervalMaxMs: number;
}

export const defaultTimings: Timings = {
  diffStatusTtlMs: 120_000,
  noTokenBackoffMs: 600_000,
  noPrRetryMs: 15_000,
  noPrWindowMs: 120_000,
  errorBackoffMs: 120_000,
  leaseMs: 300_000,
  noPrBackoffMs: 300_000,
  noPrBackoffMaxMs: 3_600_000,
  terminalIntervalMs: 3_600_000,
  terminalIntervalMaxMs: 86_400_000,
};

/** What the schedule of a row needs to know, besides the outcome. */
export interface OutcomeFacts {
  kind: RefreshOutcome;
  now: Date;
  /** When the agent last reported the branch (no_pr). */
  markedStaleAt?: Date | null;
  /** The group's reset, padding included (rate_limited). */
  resetAt?: Date;
  /** The PR's state as just fetched (refreshed). */
  state?: PullRequestState | null;
  /**
   * Nothing changed since the previous refresh in the same state: the same PR, in the same state
   * at the same head (refreshed), or still no PR known (no_pr). Lets the interval double.
   */
  unchanged?: boolean;
  /** The row's stored interval (null: none yet, or a report reset it). */
  previousIntervalMs?: number | null;
}

/** When the row is due again, and what the row keeps of its schedule. */
export interface NextRefresh {
  staleAt: Date;
  /** Which rule chose `staleAt` (stored with the row; metrics count refreshes by it). */
  intervalClass: RefreshIntervalClass;
  /**
   * The interval to store: the base of the next doubling. Outcomes that say nothing of the PR
   * (errors, limits, no token) keep the previous one, so that a merged PR's long wait survives a
   * transient error.
   */
  intervalMs: number | null;
}

/** The next interval of a doubling backoff: `base` unless nothing changed since the last one. */
function doubling(facts: OutcomeFacts, baseMs: number, maxMs: number): number {
  const previous = facts.previousIntervalMs ?? null;
  if (!facts.unchanged || previous === null) return Math.min(baseMs, maxMs);
  return Math.min(Math.max(previous * 2, baseMs), maxMs);
}

/** When the row is due again after an outcome: the backoff table of SPEC §3.4. */
export function nextRefresh(facts: OutcomeFacts, timings: Timings): NextRefresh {
  const kept = facts.previousIntervalMs ?? null;
  const after = (ms: number, intervalClass: RefreshIntervalClass, intervalMs: number | null = kept): NextRefresh => ({
    staleAt: new Date(facts.now.getTime() + ms),
    intervalClass,
    intervalMs,
  });
  switch (facts.kind) {
    case 'refreshed': {
      if (facts.state === 'merged' || facts.state === 'closed') {
        const ms = doubling(facts, timings.terminalIntervalMs, timings.terminalIntervalMaxMs);
        return after(ms, 'terminal', ms);
      }
      return after(timings.diffStatusTtlMs, 'open', timings.diffStatusTtlMs);
    }
    case 'no_token':
      return after(timings.noTokenBackoffMs, 'no_token');
    case 'no_pr': {
      const marked = facts.markedStaleAt?.getTime();
      const recent = marked !== undefined && facts.now.getTime() - marked < timings.noPrWindowMs;
      // Right after a report the PR may be about to appear; the backoff starts once the window is over.
      if (recent) return after(timings.noPrRetryMs, 'no_pr_recent', null);
      const ms = doubling(facts, timings.noPrBackoffMs, timings.noPrBackoffMaxMs);
      return after(ms, 'no_pr', ms);
    }
    case 'no_provider':
    case 'provider_error':
      return after(timings.errorBackoffMs, 'error');
    case 'rate_limited':
      return facts.resetAt
        ? { staleAt: facts.resetAt, intervalClass: 'rate_limited', intervalMs: kept }
        : after(timings.errorBackoffMs, 'rate_limited');
  }
}

/** When the row is due again after an outcome (see {@link nextRefresh}). */
export const nextStaleAt = (facts: OutcomeFacts, timings: Timings): Date => nextRefresh(facts, timings).staleAt;
