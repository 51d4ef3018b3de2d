import { eq, sql } from 'drizzle-orm';
import type { RefreshTarget } from '@gitsync/gitsync';
import type { Database } from './client.js';
import { chatDiffStatuses, chats } from './schema.js';

/** Where each field of the refresh target lives. */
const refreshTargetColumns = {
  chatId: chatDiffStatuses.chatId,
  ownerId: chats.ownerId,
  branch: chatDiffStatuses.gitBranch,
  remoteOrigin: chatDiffStatuses.gitRemoteOrigin,
  url: chatDiffStatuses.url,
  generation: chatDiffStatuses.generation,
  pullEtag: chatDiffStatuses.pullEtag,
  reviewsEtag: chatDiffStatuses.reviewsEtag,
  markedStaleAt: chatDiffStatuses.markedStaleAt,
  refreshedAt: chatDiffStatuses.refreshedAt,
  pullRequestState: chatDiffStatuses.pullRequestState,
  headBranch: chatDiffStatuses.headBranch,
  headSha: chatDiffStatuses.headSha,
  reportedHeadSha: chatDiffStatuses.reportedHeadSha,
  checkRunsEtag: chatDiffStatuses.checkRunsEtag,
  statusesEtag: chatDiffStatuses.statusesEtag,
  checkRunsTally: chatDiffStatuses.checkRunsTally,
  statusesTally: chatDiffStatuses.statusesTally,
  refreshIntervalClass: chatDiffStatuses.refreshIntervalClass,
  refreshIntervalMs: chatDiffStatuses.refreshIntervalMs,
} satisfies Record<keyof RefreshTarget, unknown>;

/**
 * The rows the jobs that arrived together point at, in one statement (a prepared one: its text
 * never changes). Chats that are gone are missing from the answer.
 */
export function createRefreshTargetLoader(db: Database): (chatIds: readonly string[]) => Promise<RefreshTarget[]> {
  const query = db
    .select(refreshTargetColumns)
    .from(chatDiffStatuses)
    .innerJoin(chats, eq(chats.id, chatDiffStatuses.chatId))
    .where(sql`${chatDiffStatuses.chatId} = any(${sql.placeholder('chatIds')}::uuid[])`)
    .prepare('gitsync_load_refresh_targets_v3');
  return (chatIds) => query.execute({ chatIds: [...chatIds] }) satisfies Promise<RefreshTarget[]>;
}
