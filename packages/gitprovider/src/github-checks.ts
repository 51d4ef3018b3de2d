import { tallyCheckRuns, tallyStatuses, type ChecksTally } from './checks.js';
import { RateLimitError } from './errors.js';
import type { GitHubClient } from './github-client.js';
import { getAllPages } from './github-pages.js';
import { toCheckRuns, toCommitStatusStates } from './parse-response.js';
import type { Conditional, RepoRef, RequestPacer } from './types.js';

/** 50 pages of 100: a commit with more check runs than that is not a chat's. */
const MAX_CHECK_PAGES = 50;

export interface CommitChecks {
  checkRuns: Conditional<ChecksTally>;
  statuses: Conditional<ChecksTally>;
}

const mapped = <T, U>(result: Conditional<T>, map: (value: T) => U): Conditional<U> =>
  result.changed ? { changed: true, value: map(result.value), etag: result.etag } : result;

/**
 * The checks of commit `sha` in `repo` (a PR's base repository: where its checks run and are
 * listed): all pages of its check runs and of its combined status, both at once, each with its
 * validator. If both fail, a rate limit wins so the whole group backs off.
 */
export async function fetchCommitChecks(
  client: GitHubClient,
  token: string,
  repo: RepoRef,
  sha: string,
  validators: { checkRuns: string | null; statuses: string | null },
  pacer: RequestPacer | undefined,
): Promise<CommitChecks> {
  const repoPath = `/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.repo)}`;
  const commit = `${repoPath}/commits/${encodeURIComponent(sha)}`;
  const page = { perPage: 100, maxPages: MAX_CHECK_PAGES };
  const [runs, statuses] = await Promise.allSettled([
    getAllPages(
      client,
      token,
      { ...page, path: `${commit}/check-runs`, ifNoneMatch: validators.checkRuns },
      toCheckRuns,
      pacer,
    ),
    getAllPages(
      client,
      token,
      { ...page, path: `${commit}/status`, ifNoneMatch: validators.statuses },
      toCommitStatusStates,
      pacer,
    ),
  ]);
  if (runs.status === 'fulfilled' && statuses.status === 'fulfilled')
    return { checkRuns: mapped(runs.value, tallyCheckRuns), statuses: mapped(statuses.value, tallyStatuses) };
  const failures = [runs, statuses].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  throw failures.find((e) => e instanceof RateLimitError) ?? failures[0];
}
