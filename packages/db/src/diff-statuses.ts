import { eq, sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { reportedVersion } from './row-version.js';
import { chatDiffStatuses, chats, type Chat, type ChatDiffStatus } from './schema.js';

export interface GitReport {
  chatId: string;
  branch: string;
  remoteOrigin: string;
  /** A PR url the agent already knows; otherwise the stored url is cleared and found again. */
  pullRequestUrl?: string | null;
}

export interface ChatWithStatus {
  chat: Chat;
  status: ChatDiffStatus | null;
}

/**
 * The agent's report (SPEC §3.1): upsert branch and origin, make the row due now. Returns null
 * without touching anything when branch or origin is empty.
 */
export async function markStale(db: Database, report: GitReport): Promise<ChatDiffStatus | null> {
  if (report.branch === '' || report.remoteOrigin === '') return null;
  const url = report.pullRequestUrl ?? null;
  const [row] = await db
    .insert(chatDiffStatuses)
    .values({
      chatId: report.chatId,
      gitBranch: report.branch,
      gitRemoteOrigin: report.remoteOrigin,
      url,
      staleAt: sql`now() - interval '1 second'`,
      markedStaleAt: sql`now()`,
    })
    .onConflictDoUpdate({
      target: chatDiffStatuses.chatId,
      set: {
        gitBranch: report.branch,
        gitRemoteOrigin: report.remoteOrigin,
        url,
        ...reportedVersion(chatDiffStatuses),
        failedAttempts: 0,
        updatedAt: sql`now()`,
      },
    })
    .returning();
  return row ?? null;
}

/** Makes every tracked row of a user due at once, e.g. after they linked a token. */
export async function markOwnerDue(db: Database, ownerId: string): Promise<number> {
  const result = await db
    .update(chatDiffStatuses)
    .set({ staleAt: sql`now() - interval '1 second'` })
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

