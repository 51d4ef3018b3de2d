import type { ChecksState } from '@gitsync/contracts';

/** How many checks of a commit ended each way; one tally per source (check runs, commit statuses). */
export interface ChecksTally {
  passed: number;
  failed: number;
  pending: number;
  /** Ended neither passed nor failed (neutral, skipped, stale): shown in no count. */
  neutral: number;
}

/** What a row shows of its head commit's checks; null when the commit has none. */
export interface ChecksSummary {
  state: ChecksState;
  passed: number;
  failed: number;
  pending: number;
}

export const EMPTY_TALLY: ChecksTally = Object.freeze({ passed: 0, failed: 0, pending: 0, neutral: 0 });

/** Check-run conclusions that fail the commit (GitHub shows them as a red cross). */
const FAILING_CONCLUSIONS = new Set(['failure', 'timed_out', 'cancelled', 'action_required']);

/**
 * GitHub check runs: any status but `completed` (queued, in_progress, waiting, requested, pending)
 * is pending; a completed run passed on `success`, failed on failure, timed_out, cancelled or
 * action_required, and is neutral otherwise (neutral, skipped, stale).
 */
export function tallyCheckRuns(runs: ReadonlyArray<{ status: string; conclusion: string | null }>): ChecksTally {
  const tally = { ...EMPTY_TALLY };
  for (const { status, conclusion } of runs) {
    if (status !== 'completed') tally.pending += 1;
    else if (conclusion === 'success') tally.passed += 1;
    else if (conclusion !== null && FAILING_CONCLUSIONS.has(conclusion)) tally.failed += 1;
    else tally.neutral += 1;
  }
  return tally;
}

/** Commit statuses (the latest of each context): success passed, failure and error failed, pending pending. */
export function tallyStatuses(states: readonly string[]): ChecksTally {
  const tally = { ...EMPTY_TALLY };
  for (const state of states) {
    if (state === 'success') tally.passed += 1;
    else if (state === 'failure' || state === 'error') tally.failed += 1;
    else if (state === 'pending') tally.pending += 1;
    else tally.neutral += 1;
  }
  return tally;
}

/**
 * The checks of a commit from the tallies of its sources: any failed → `failure`; else any pending
 * → `pending`; else any passed → `success`; else `neutral`; null when there is no check at all.
 */
export function summarizeChecks(tallies: ReadonlyArray<ChecksTally | null>): ChecksSummary | null {
  const sum = { ...EMPTY_TALLY };
  for (const t of tallies) {
    if (!t) continue;
    sum.passed += t.passed;
    sum.failed += t.failed;
    sum.pending += t.pending;
    sum.neutral += t.neutral;
  }
  const state: ChecksState | null =
    sum.failed > 0
      ? 'failure'
      : sum.pending > 0
        ? 'pending'
        : sum.passed > 0
          ? 'success'
          : sum.neutral > 0
            ? 'neutral'
            : null;
  return state && { state, passed: sum.passed, failed: sum.failed, pending: sum.pending };
}
