import type { ReviewVerdict } from './types.js';

/** The fields of one item of `GET /repos/{o}/{r}/pulls/{n}/reviews` that the verdict depends on. */
export interface ReviewInput {
  id?: number | null;
  state: string;
  user: { login: string } | null;
  submitted_at?: string | null;
}

/** Review states that express a decision; COMMENTED and PENDING never change a reviewer's standing. */
type DecisiveState = 'APPROVED' | 'CHANGES_REQUESTED' | 'DISMISSED';

function decisive(state: string): DecisiveState | null {
  const upper = state.trim().toUpperCase();
  return upper === 'APPROVED' || upper === 'CHANGES_REQUESTED' || upper === 'DISMISSED' ? upper : null;
}

/**
 * True when `candidate` is at least as recent as `current`. GitHub lists reviews oldest first, so the
 * later item wins unless ids (monotonic) or submission times say otherwise — as the Go system did by id.
 */
function supersedes(candidate: ReviewInput, current: ReviewInput): boolean {
  if (candidate.id != null && current.id != null) return candidate.id >= current.id;
  const candidateAt = candidate.submitted_at ? Date.parse(candidate.submitted_at) : NaN;
  const currentAt = current.submitted_at ? Date.parse(current.submitted_at) : NaN;
  if (!Number.isNaN(candidateAt) && !Number.isNaN(currentAt)) return candidateAt >= currentAt;
  return true;
}

/**
 * The verdict over all reviews of a pull request: per reviewer (login case-folded), only the latest
 * decisive review counts.
 *
 * A reviewer whose latest decisive review is DISMISSED is kept, as in the Go system: they count towards
 * `reviewerCount` ("distinct reviewers who left a decisive review") but neither approve nor request
 * changes. Reviews without a user (deleted accounts) are ignored.
 */
export function aggregateReviews(reviews: readonly ReviewInput[]): ReviewVerdict {
  const latest = new Map<string, { review: ReviewInput; state: DecisiveState }>();
  for (const review of reviews) {
    const login = review.user?.login.trim().toLowerCase();
    const state = decisive(review.state);
    if (!login || !state) continue;
    const current = latest.get(login);
    if (current && !supersedes(review, current.review)) continue;
    latest.set(login, { review, state });
  }

  let approvals = 0;
  let changesRequested = false;
  for (const { state } of latest.values()) {
    if (state === 'APPROVED') approvals += 1;
    if (state === 'CHANGES_REQUESTED') changesRequested = true;
  }
  return { approved: approvals > 0 && !changesRequested, changesRequested, reviewerCount: latest.size };
}
