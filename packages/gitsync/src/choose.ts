import type { PullRequestSummary } from '@gitsync/gitprovider';

const newestFirst = (a: PullRequestSummary, b: PullRequestSummary) => b.updatedAt.getTime() - a.updatedAt.getTime();

/**
 * The pull request of a branch among those found for it: an open one wins (the most recently
 * updated, should there be several); otherwise the most recently updated closed or merged one —
 * unless the agent told us which commit the branch is at (`headSha`) and the PR's head is another
 * one: then the branch name was reused for new work that has no PR yet.
 */
export function choosePullRequest(
  found: readonly PullRequestSummary[],
  headSha: string | null,
): PullRequestSummary | null {
  const open = found.filter((pr) => pr.state === 'open').sort(newestFirst);
  if (open[0]) return open[0];
  const ended = found.filter((pr) => headSha === null || pr.headSha === headSha).sort(newestFirst);
  return ended[0] ?? null;
}
