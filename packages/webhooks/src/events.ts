import { z } from 'zod';
import { decideCommitEvent } from './commit-events.js';
import { lookupText, lookupUrl } from './lookup.js';

/** The actions whose pull request may look different afterwards. */
export const PULL_REQUEST_ACTIONS = [
  'opened',
  'edited',
  'closed',
  'reopened',
  'synchronize',
  'converted_to_draft',
  'ready_for_review',
] as const;
export const REVIEW_ACTIONS = ['submitted', 'edited', 'dismissed'] as const;

/** Only what we need of GitHub's payloads; everything else is ignored, not rejected. */
const pullRequestPayload = z.object({
  action: z.string(),
  pull_request: z.object({
    html_url: lookupUrl,
    number: z.number().int(),
    // The head repository is null once a fork is deleted.
    head: z.object({ ref: lookupText, repo: z.object({ html_url: lookupUrl }).nullable() }),
  }),
});

/**
 * Which rows a delivery concerns: those tracking this PR's url, or those working on its head —
 * the repository the PR's commits come from (a fork, for a fork's PR) and its branch. Never the
 * repository the delivery came through: a fork's PR reaches the base repository's hook.
 */
export interface PullRequestTarget {
  /** Null when the delivery names no pull request (a GitLab branch pipeline): its head alone. */
  url: string | null;
  number: number | null;
  headBranch: string;
  /** Web URL of the head repository, e.g. `https://github.com/mallory/app`; null when it is gone. */
  headRepositoryUrl: string | null;
}

/** A delivery about a commit's checks: the rows whose pull request's head is that commit. */
export interface CommitTarget {
  headSha: string;
}

export type WebhookDecision =
  | { kind: 'ping' }
  | { kind: 'refresh'; event: string; action: string; target: PullRequestTarget }
  | { kind: 'recheck'; event: string; action: string; commit: CommitTarget }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; reason: string };

/** Decides what a delivery asks of us, from its `X-GitHub-Event` name and parsed JSON body. */
export function decide(event: string | undefined, body: unknown): WebhookDecision {
  if (event === 'ping') return { kind: 'ping' };
  const aboutCommit = event === undefined ? undefined : decideCommitEvent(event, body);
  if (aboutCommit) return aboutCommit;
  const actions: readonly string[] | null =
    event === 'pull_request' ? PULL_REQUEST_ACTIONS : event === 'pull_request_review' ? REVIEW_ACTIONS : null;
  if (!event || !actions) return { kind: 'ignored', reason: `event ${event ?? '(none)'} is not handled` };
  const parsed = pullRequestPayload.safeParse(body);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => i.path.join('.') || '(body)').join(', ');
    return { kind: 'invalid', reason: `${event} payload without the expected fields: ${where}` };
  }
  const { action, pull_request: pr } = parsed.data;
  if (!actions.includes(action)) return { kind: 'ignored', reason: `${event}.${action} does not change the status` };
  return {
    kind: 'refresh',
    event,
    action,
    target: {
      url: pr.html_url,
      number: pr.number,
      headBranch: pr.head.ref,
      headRepositoryUrl: pr.head.repo?.html_url ?? null,
    },
  };
}
