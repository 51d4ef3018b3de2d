import type { RefreshOutcome } from '@gitsync/contracts';

/** SPEC §3.4's durations, in milliseconds. */
export interface Timings {
  /** After a refresh. @defaultValue 2 min */
  diffStatusTtlMs: number;
  /** When the owner has no token linked. @defaultValue 10 min */
  noTokenBackoffMs: number;
  /** No PR yet and the agent reported recently: look again soon. @defaultValue 15 s */
  noPrRetryMs: number;
  /** How recent "recently" is. @defaultValue 2 min */
  noPrWindowMs: number;
  /** After a provider or network error. @defaultValue 2 min */
  errorBackoffMs: number;
  /** The scheduler's claim lease, also the wait for a PR that has not appeared for a while. @defaultValue 5 min */
  leaseMs: number;
}

export const defaultTimings: Timings = {
  diffStatusTtlMs: 120_000,
  noTokenBackoffMs: 600_000,
  noPrRetryMs: 15_000,
  noPrWindowMs: 120_000,
  errorBackoffMs: 120_000,
  leaseMs: 300_000,
};

export interface OutcomeFacts {
  kind: RefreshOutcome;
  now: Date;
  /** When the agent last reported the branch (no_pr). */
  markedStaleAt?: Date | null;
  /** The group's reset, padding included (rate_limited). */
  resetAt?: Date;
}

/** When the row is due again after an outcome: the backoff table of SPEC §3.4. */
export function nextStaleAt(facts: OutcomeFacts, timings: Timings): Date {
  const after = (ms: number) => new Date(facts.now.getTime() + ms);
  switch (facts.kind) {
    case 'refreshed':
      return after(timings.diffStatusTtlMs);
    case 'no_token':
      return after(timings.noTokenBackoffMs);
    case 'no_pr': {
      const marked = facts.markedStaleAt?.getTime();
      const recent = marked !== undefined && facts.now.getTime() - marked < timings.noPrWindowMs;
      return after(recent ? timings.noPrRetryMs : timings.leaseMs);
    }
    case 'no_provider':
    case 'provider_error':
      return after(timings.errorBackoffMs);
    case 'rate_limited':
      return facts.resetAt ?? after(timings.errorBackoffMs);
  }
}
