import { eq, sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { repositoryKey } from '@gitsync/gitprovider/origin';
import { keepPullRequestWhen } from './pull-request-columns.js';
import { reportedVersion } from './row-version.js';
import { chatDiffStatuses, chats, type Chat, type ChatDiffStatus } from './schema.js';

export interface GitReport {
  chatId: string;
  branch: string;
  remoteOrigin: string;
  /** A PR url the agent already knows: it wins over finding one by branch. */
  pullRequestUrl?: string | null;
  /** The commit the branch is at, when the agent says: a closed or merged PR of another commit is not this chat's. */
  headSha?: string | null;
}

export interface ChatWithStatus {
  chat: Chat;
  status: ChatDiffStatus | null;
}

/**
 * The agent's report (SPEC §3.1): upsert branch and origin, make the row due now. The PR known so
 * far is kept when branch and origin are the ones already stored (the refresh checks it again),
 * and forgotten with everything known of it otherwise; a url the agent gives replaces it. Returns
 * null without touching anything when branch or origin is empty.
 */
export async function markStale(db: Database, report: GitReport): Promise<ChatDiffStatus | null> {
  if (report.branch === '' || report.remoteOrigin === '') return null;
  const given = report.pullRequestUrl ?? null;
  const s = chatDiffStatuses;
  const samePullRequest =
    given === null
      ? sql`(${s.gitBranch} = ${report.branch} and ${s.gitRemoteOrigin} = ${report.remoteOrigin})`
      : sql`${s.url} is not distinct from ${given}`;
  const reported = {
    gitBranch: report.branch,
    gitRemoteOrigin: report.remoteOrigin,
    repoKey: repositoryKey(report.remoteOrigin) ?? '',
    reportedHeadSha: report.headSha ?? null,
  };
  const [row] = await db
    .insert(chatDiffStatuses)
    .values({
      chatId: report.chatId,
      ...reported,
      url: given,
      staleAt: sql`now() - interval '1 second'`,
      markedStaleAt: sql`now()`,
    })
    .onConflictDoUpdate({
      target: chatDiffStatuses.chatId,
      set: {
        ...reported,
        ...keepPullRequestWhen(samePullRequest),
        ...(given !== null && { url: given }),
        ...reportedVersion(chatDiffStatuses),
        failedAttempts: 0,
        updatedAt: sql`now()`,
      },
    })
    .returning();
  return row ?? null;
}

/**
 * Makes every tracked row of a user due at once, e.g. after they linked a token. The rows keep their
 * interval: a merged PR's long wait goes on doubling after this refresh if nothing changed.
 */
export async function markOwnerDue(db: Database, ownerId: string): Promise<number> {
  const result = await db
    .update(chatDiffStatuses)
    .set({ staleAt: sql`now() - interval '1 second'`, refreshIntervalClass: 'token_linked' })
    .where(
      sql`${chatDiffStatuses.chatId} in (select ${chats.id} from ${chats} where ${chats.ownerId} = ${ownerId})
          and ${chatDiffStatuses.gitBranch} <> '' and ${chatDiffStatuses.staleAt} > now()`,
    );
  return result.rowCount ?? 0;
}

export async function getDiffStatus(db: Database, chatId: string): Promise<ChatDiffStatus | null> {
  const [row] = await db.select().from(chatDiffStatuses).where(eq(chatDiffStatuses.chatId, chatId));
  return row ?? null;
}
