/** Rows as the API's JSON shapes (packages/contracts): what the API answers and the events carry. */
import type { ChatJson, DiffStatusChangeEvent, DiffStatusJson } from '@gitsync/contracts';
import type { Chat, ChatDiffStatus } from './schema.js';

/** Copies the entries whose value is not null, so optional fields are omitted rather than null. */
function withoutNulls<T extends object>(value: { [K in keyof T]: T[K] | null }): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as T;
}

export function toDiffStatusJson(s: ChatDiffStatus): DiffStatusJson {
  return withoutNulls<DiffStatusJson>({
    chat_id: s.chatId,
    url: s.url,
    pull_request_state: s.pullRequestState,
    pull_request_title: s.pullRequestTitle,
    pull_request_draft: s.pullRequestDraft,
    changes_requested: s.changesRequested,
    additions: s.additions,
    deletions: s.deletions,
    changed_files: s.changedFiles,
    author_login: s.authorLogin,
    author_avatar_url: s.authorAvatarUrl,
    base_branch: s.baseBranch,
    head_branch: s.headBranch,
    pr_number: s.prNumber,
    commits: s.commits,
    approved: s.approved,
    reviewer_count: s.reviewerCount,
    mergeable: s.mergeable,
    mergeable_state: s.mergeableState,
    requested_reviewer_count: s.requestedReviewerCount,
    labels: s.labels,
    checks_state: s.checksState,
    checks_passed: s.checksPassed,
    checks_failed: s.checksFailed,
    checks_pending: s.checksPending,
    refreshed_at: s.refreshedAt?.toISOString() ?? null,
    stale_at: s.staleAt.toISOString(),
    // Claimed again (leased): the wait is over and the refresh under way.
    rate_limited_until: s.lastOutcome === 'rate_limited' && s.leasedUntil === null ? s.staleAt.toISOString() : null,
  });
}

export function toChatJson(chat: Chat, status: ChatDiffStatus | null): ChatJson {
  return {
    id: chat.id,
    owner_id: chat.ownerId,
    title: chat.title,
    status: chat.status,
    archived: chat.archived,
    created_at: chat.createdAt.toISOString(),
    updated_at: chat.updatedAt.toISOString(),
    ...(status && { diff_status: toDiffStatusJson(status) }),
  };
}

export const diffStatusChange = (chat: Chat, status: ChatDiffStatus | null): DiffStatusChangeEvent => ({
  kind: 'diff_status_change',
  chat: toChatJson(chat, status),
});
