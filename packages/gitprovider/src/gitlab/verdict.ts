import type { ChecksState } from '@gitsync/contracts';
import { EMPTY_TALLY, type ChecksTally } from '../checks.js';
import type { ReviewVerdict } from '../types.js';

export interface GitLabReviews {
  /** GitLab's `approved`: every required approval given (true when none is required). */
  approvalRulesMet: boolean;
  /** Who approved (`approvedBy`). */
  approvedBy: readonly string[];
  /** The merge request's reviewers and their `reviewState` (`REQUESTED_CHANGES`, `APPROVED`, `REVIEWED` …). */
  reviewers: ReadonlyArray<{ username: string; state: string | null }>;
}

/**
 * The verdict of a merge request, per person (username case-folded), as GitHub's is per reviewer:
 * someone whose reviewer state is `REQUESTED_CHANGES` requests changes, whatever else they did;
 * otherwise someone who approved approves. A reviewer who only commented (`REVIEWED`), has not
 * reviewed yet or took their approval back (`UNAPPROVED`) takes no side. `approved` needs GitLab's
 * approval rules met, at least one approver and nobody requesting changes — GitLab's own `approved`
 * alone is true for a merge request no one approved when no approval is required.
 */
export function gitLabVerdict(input: GitLabReviews): ReviewVerdict {
  const people = new Map<string, 'approved' | 'changes_requested'>();
  for (const username of input.approvedBy) people.set(username.toLowerCase(), 'approved');
  for (const { username, state } of input.reviewers) {
    if (state === 'REQUESTED_CHANGES') people.set(username.toLowerCase(), 'changes_requested');
  }
  const verdicts = [...people.values()];
  const changesRequested = verdicts.includes('changes_requested');
  const approvals = verdicts.filter((v) => v === 'approved').length;
  return {
    approved: input.approvalRulesMet && approvals > 0 && !changesRequested,
    changesRequested,
    reviewerCount: people.size,
  };
}

/** GitLab's `PipelineStatusEnum` as a checks state; null when the head has no pipeline. */
export function checksStateOf(pipelineStatus: string | null): ChecksState | null {
  switch (pipelineStatus) {
    case null:
      return null;
    case 'SUCCESS':
      return 'success';
    case 'FAILED':
      return 'failure';
    case 'CANCELED':
    case 'CANCELING':
    case 'SKIPPED':
    case 'MANUAL':
      return 'neutral';
    default:
      return 'pending';
  }
}

/**
 * The head pipeline as the checks of the head: one check in the pipeline's state (GitLab's merge
 * request query gives the pipeline's status, not its jobs), none without a pipeline.
 */
export function pipelineTally(pipelineStatus: string | null): ChecksTally {
  const state = checksStateOf(pipelineStatus);
  if (state === null) return EMPTY_TALLY;
  const one = { success: 'passed', failure: 'failed', pending: 'pending', neutral: 'neutral' } as const;
  return { ...EMPTY_TALLY, [one[state]]: 1 };
}
