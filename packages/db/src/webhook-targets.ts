import { and, eq, inArray, not, or } from 'drizzle-orm';
import type { ClaimedRow } from './claims.js';
import type { Database } from './client.js';
import { refreshTargetFields } from './refresh-target.js';
import { chatDiffStatuses, chats } from './schema.js';

export interface PullRequestMatch {
  /** The PR's web URL: rows that already know it. */
  url: string;
  /** Every spelling of the repository's origin, with the PR's head branch: rows that do not know it yet. */
  origins: string[];
  branch: string;
}

/** The rows a webhook about one pull request concerns, as refresh payloads (archived chats left out). */
export async function findRowsForPullRequest(db: Database, match: PullRequestMatch): Promise<ClaimedRow[]> {
  return db
    .select(refreshTargetFields)
    .from(chatDiffStatuses)
    .innerJoin(chats, eq(chats.id, chatDiffStatuses.chatId))
    .where(
      and(
        not(chats.archived),
        or(
          eq(chatDiffStatuses.url, match.url),
          and(eq(chatDiffStatuses.gitBranch, match.branch), inArray(chatDiffStatuses.gitRemoteOrigin, match.origins)),
        ),
      ),
    );
}
