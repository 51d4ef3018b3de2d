import { sql } from 'drizzle-orm';
import type { Database } from './client.js';

/** A due row claimed by a scheduler: everything a refresh job needs, and no secret. */
export interface ClaimedRow {
  chatId: string;
  ownerId: string;
  branch: string;
  remoteOrigin: string;
  url: string | null;
  generation: number;
  pullEtag: string | null;
  reviewsEtag: string | null;
  markedStaleAt: Date | null;
}

interface ClaimRecord extends Record<string, unknown> {
  chat_id: string;
  owner_id: string;
  git_branch: string;
  git_remote_origin: string;
  url: string | null;
  generation: number;
  pull_etag: string | null;
  reviews_etag: string | null;
  marked_stale_at: Date | string | null;
}

/**
 * Claims up to `limit` due rows, oldest first, and moves their stale_at forward by the lease so
 * that a crash between claim and refresh only delays a row, never loses it. SKIP LOCKED lets
 * several schedulers claim side by side without waiting on each other or taking the same row.
 *
 * The owner is read once, with the due rows: joining chats again in the UPDATE made Postgres hash
 * the whole chats table for every batch (60% of a 1,000-row claim at 100k chats). UPDATE …
 * RETURNING does not keep the CTE's order, so the claimed rows are sorted by Postgres afterwards.
 */
/** A row the scheduler would claim now, over `chat_diff_statuses ds join chats c`; metrics use it too. */
export const dueRow = sql.raw(`ds.stale_at <= now() and ds.git_branch <> '' and ds.git_remote_origin <> '' and not c.archived`);

export async function claimDueRows(db: Database, options: { limit: number; leaseMs: number }): Promise<ClaimedRow[]> {
  const result = await db.execute<ClaimRecord>(sql`
    with due as (
      select ds.chat_id, c.owner_id, ds.stale_at as due_at
      from chat_diff_statuses ds
      join chats c on c.id = ds.chat_id
      where ${dueRow}
      order by ds.stale_at
      limit ${options.limit}
      for update of ds skip locked
    ), claimed as (
      update chat_diff_statuses ds
      set stale_at = now() + ${options.leaseMs} * interval '1 millisecond',
          leased_until = now() + ${options.leaseMs} * interval '1 millisecond'
      from due
      where ds.chat_id = due.chat_id
      returning ds.chat_id, due.owner_id, ds.git_branch, ds.git_remote_origin, ds.url, ds.generation,
                ds.pull_etag, ds.reviews_etag, ds.marked_stale_at, due.due_at
    )
    select chat_id, owner_id, git_branch, git_remote_origin, url, generation, pull_etag, reviews_etag, marked_stale_at
    from claimed
    order by due_at`);
  return result.rows.map((r) => ({
    chatId: r.chat_id,
    ownerId: r.owner_id,
    branch: r.git_branch,
    remoteOrigin: r.git_remote_origin,
    url: r.url,
    generation: r.generation,
    pullEtag: r.pull_etag,
    reviewsEtag: r.reviews_etag,
    markedStaleAt: r.marked_stale_at === null ? null : new Date(r.marked_stale_at),
  }));
}

/**
 * Redis lost its data (flushed, restarted without persistence): every job of a leased row is gone,
 * so make those rows due now instead of waiting for their leases to run out.
 */
export async function releaseLeases(db: Database): Promise<number> {
  const result = await db.execute(sql`
    update chat_diff_statuses set stale_at = now(), leased_until = null
    where leased_until > now()`);
  return result.rowCount ?? 0;
}
