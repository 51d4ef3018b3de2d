import { sql } from 'drizzle-orm';
import type { Database } from './client.js';
import type { RowVersion } from './row-version.js';

export interface PullRequestMatch {
  /** The PR's web URL: rows that already know it; null when the delivery names no PR, only a head. */
  url: string | null;
  /**
   * The PR's head: its repository's key (gitprovider's repositoryKey; null when the fork is gone)
   * and branch. Rows whose origin is that repository and whose branch is that branch are the PR's
   * own chats, even before they know its url. Never the base repository: a fork's PR reaches the
   * base repository's hook, and would otherwise speak for every chat there on a branch of that name.
   */
  head: { repoKey: string | null; branch: string };
}

/**
 * The rows a webhook about one pull request concerns (archived chats left out), in one indexed
 * query. A row found by its head branch that tracks another url (or none) is marked as reported
 * now: its refresh looks for the branch's PR again, so a PR just opened on a reused branch wins
 * (not for a delivery that names no PR: it says nothing of which PR is the branch's).
 */
export async function findRowsForPullRequest(db: Database, match: PullRequestMatch): Promise<RowVersion[]> {
  const result = await db.execute<{ chat_id: string; generation: number }>(sql`
    with matched as (
      select ds.chat_id, ds.generation, ds.url
      from chat_diff_statuses ds
      join chats c on c.id = ds.chat_id
      where not c.archived
        and (ds.url = ${match.url} or (ds.repo_key = ${match.head.repoKey} and ds.git_branch = ${match.head.branch}))
    ), recheck as (
      update chat_diff_statuses ds set marked_stale_at = now()
      from matched m
      where ds.chat_id = m.chat_id and ${match.url}::text is not null and m.url is distinct from ${match.url}
    )
    select chat_id, generation from matched`);
  return result.rows.map((r) => ({ chatId: r.chat_id, generation: r.generation }));
}

/**
 * The rows whose pull request's head is commit `headSha` (archived chats left out), by the head_sha
 * index: what a check_run, check_suite or status delivery concerns. A commit id names one commit
 * wherever it is pushed, so a fork's PR is found through the base repository's checks too.
 */
export async function findRowsForCommit(db: Database, headSha: string): Promise<RowVersion[]> {
  const result = await db.execute<{ chat_id: string; generation: number }>(sql`
    select ds.chat_id, ds.generation
    from chat_diff_statuses ds
    join chats c on c.id = ds.chat_id
    where ds.head_sha = ${headSha} and not c.archived`);
  return result.rows.map((r) => ({ chatId: r.chat_id, generation: r.generation }));
}
