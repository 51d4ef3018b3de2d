import { and, eq, inArray, not, or } from 'drizzle-orm';
import type { Database } from './client.js';
import type { RowVersion } from './row-version.js';
import { chatDiffStatuses, chats } from './schema.js';

export interface PullRequestMatch {
  /** The PR's web URL: rows that already know it. */
  url: string;
  /** Every spelling of the repository's origin, with the PR's head branch: rows that do not know it yet. */
  origins: string[];
  branch: string;
}

/** The rows a webhook about one pull request concerns (archived chats left out). */
export async function findRowsForPullRequest(db: Database, match: PullRequestMatch): Promise<RowVersion[]> {
  return db
    .select({ chatId: chatDiffStatuses.chatId, generation: chatDiffStatuses.generation })
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
