import { eq } from 'drizzle-orm';
import type { ClaimedRow } from './claims.js';
import type { Database } from './client.js';
import { chatDiffStatuses, chats, type Chat, type ChatDiffStatus } from './schema.js';

/** The columns of a refresh payload (what `claimDueRows` returns), for queries that build one. */
export const refreshTargetFields = {
  chatId: chatDiffStatuses.chatId,
  ownerId: chats.ownerId,
  branch: chatDiffStatuses.gitBranch,
  remoteOrigin: chatDiffStatuses.gitRemoteOrigin,
  url: chatDiffStatuses.url,
  generation: chatDiffStatuses.generation,
  pullEtag: chatDiffStatuses.pullEtag,
  reviewsEtag: chatDiffStatuses.reviewsEtag,
  markedStaleAt: chatDiffStatuses.markedStaleAt,
};

/**
 * What `claimDueRows` hands the scheduler, for one chat and without claiming it: the payload of an
 * on-demand refresh. Null when the chat has no diff-status row yet; branch and origin may be empty
 * (the caller decides what that means). Nothing is leased: the on-demand job is deduplicated
 * against any job the scheduler queues for the same chat.
 */
export async function getRefreshTarget(db: Database, chatId: string): Promise<ClaimedRow | null> {
  const [row] = await db
    .select(refreshTargetFields)
    .from(chatDiffStatuses)
    .innerJoin(chats, eq(chats.id, chatDiffStatuses.chatId))
    .where(eq(chatDiffStatuses.chatId, chatId));
  return row ?? null;
}

/** The same target from a chat already read with its status (no second query). */
export const refreshTargetOf = (chat: Chat, status: ChatDiffStatus): ClaimedRow => ({
  chatId: status.chatId,
  ownerId: chat.ownerId,
  branch: status.gitBranch,
  remoteOrigin: status.gitRemoteOrigin,
  url: status.url,
  generation: status.generation,
  pullEtag: status.pullEtag,
  reviewsEtag: status.reviewsEtag,
  markedStaleAt: status.markedStaleAt,
});
