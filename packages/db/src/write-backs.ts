import { eq, sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { sameGeneration, type ChatWithStatus } from './diff-statuses.js';
import { chatDiffStatuses, chats } from './schema.js';

export type PullRequestState = 'open' | 'closed' | 'merged';
export type FailureOutcome = 'no_pr' | 'no_token' | 'no_provider' | 'provider_error' | 'rate_limited';

export interface PullWrite {
  state: PullRequestState;
  title: string;
  draft: boolean;
  additions: number;
  deletions: number;
  changedFiles: number;
  commits: number;
  number: number;
  headBranch: string;
  headSha: string;
  baseBranch: string;
  authorLogin: string | null;
  authorAvatarUrl: string | null;
  etag: string | null;
}

export interface ReviewsWrite {
  approved: boolean;
  changesRequested: boolean;
  reviewerCount: number;
  etag: string | null;
}

export interface RefreshedWrite {
  chatId: string;
  generation: number;
  url: string;
  /** null: the provider answered 304, keep what is stored. */
  pull: PullWrite | null;
  reviews: ReviewsWrite | null;
  refreshedAt: Date;
  staleAt: Date;
}

export interface OutcomeWrite {
  chatId: string;
  generation: number;
  outcome: FailureOutcome;
  error: string | null;
  staleAt: Date;
  /** Forget the stored PR url (it answered 404); undefined keeps it. */
  clearUrl?: boolean;
}

/**
 * The row moved on while we refreshed it (the agent reported again): our result is for an
 * older report, so write nothing but make the row due again shortly — after this job has left
 * the queue, so that the scheduler's new job is not swallowed as a duplicate.
 */
async function requeueMovedRow(db: Database, chatId: string): Promise<void> {
  await db
    .update(chatDiffStatuses)
    .set({ staleAt: sql`least(${chatDiffStatuses.staleAt}, now() + interval '1 second')`, leasedUntil: null })
    .where(eq(chatDiffStatuses.chatId, chatId));
}

/** Writes a refreshed status and returns the chat with it (for the change event), or null if the row moved on. */
export async function saveRefreshed(db: Database, write: RefreshedWrite): Promise<ChatWithStatus | null> {
  const { pull, reviews } = write;
  const rows = await db
    .update(chatDiffStatuses)
    .set({
      url: write.url,
      ...(pull && {
        pullRequestState: pull.state,
        pullRequestTitle: pull.title,
        pullRequestDraft: pull.draft,
        additions: pull.additions,
        deletions: pull.deletions,
        changedFiles: pull.changedFiles,
        commits: pull.commits,
        prNumber: pull.number,
        headBranch: pull.headBranch,
        headSha: pull.headSha,
        baseBranch: pull.baseBranch,
        authorLogin: pull.authorLogin,
        authorAvatarUrl: pull.authorAvatarUrl,
        pullEtag: pull.etag,
      }),
      ...(reviews && {
        approved: reviews.approved,
        changesRequested: reviews.changesRequested,
        reviewerCount: reviews.reviewerCount,
        reviewsEtag: reviews.etag,
      }),
      refreshedAt: write.refreshedAt,
      staleAt: write.staleAt,
      leasedUntil: null,
      lastOutcome: 'refreshed',
      lastError: null,
      failedAttempts: 0,
      updatedAt: sql`now()`,
    })
    .from(chats)
    .where(sql`${sameGeneration(write.chatId, write.generation)} and ${chats.id} = ${chatDiffStatuses.chatId}`)
    .returning();
  const row = rows[0];
  if (!row) {
    await requeueMovedRow(db, write.chatId);
    return null;
  }
  const { chats: chat, ...status } = row;
  return { chat, status };
}

/** Records an outcome other than `refreshed` and when to try again. False if the row moved on. */
export async function saveOutcome(db: Database, write: OutcomeWrite): Promise<boolean> {
  const result = await db
    .update(chatDiffStatuses)
    .set({
      staleAt: write.staleAt,
      leasedUntil: null,
      lastOutcome: write.outcome,
      lastError: write.error,
      failedAttempts: sql`${chatDiffStatuses.failedAttempts} + 1`,
      ...(write.clearUrl && { url: null }),
      updatedAt: sql`now()`,
    })
    .where(sameGeneration(write.chatId, write.generation));
  if ((result.rowCount ?? 0) > 0) return true;
  await requeueMovedRow(db, write.chatId);
  return false;
}
