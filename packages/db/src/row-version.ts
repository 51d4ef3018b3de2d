import { sql } from 'drizzle-orm';
import type { Database } from './client.js';

/*
 * A row's version and lease, the two things that keep a refresh from losing or undoing work:
 *
 * - Version (`generation`): every report of the agent bumps it (`reportedVersion`). A refresh
 *   writes its result only while the row still has the generation the refresh read
 *   (`WRITE_BACK_GUARD` in every write-back): a report that arrived meanwhile is never pushed back
 *   by an older result. The refresh is made due again instead (schedule-engine's requeue policy).
 * - Lease (`leased_until`, with `stale_at` moved forward as far): a scheduler's claim means "this
 *   row's job is queued or running until then" (`claimDueRows`). Every write-back ends the lease
 *   (`LEASE_ENDED`). A crash anywhere between claim and write-back only delays the row to the
 *   lease's end; when Redis lost every job, `releaseLeases` makes the leased rows due at once.
 */

/** A row as a job names it: which chat, at which version (what the scheduler claimed). */
export interface RowVersion {
  chatId: string;
  generation: number;
}

/**
 * What a report sets besides its branch and origin: a new version, due now, whatever its interval.
 * The agent working on the branch is news: the state-aware schedule starts over (timings.ts).
 */
export const reportedVersion = (current: { generation: unknown }) => ({
  generation: sql`${current.generation} + 1`,
  staleAt: sql`now() - interval '1 second'`,
  markedStaleAt: sql`now()`,
  refreshIntervalClass: 'reported' as const,
  refreshIntervalMs: null,
});

/** In the batched write-backs' WHERE (`s` the row, `v` the write): only the version the refresh read. */
export const WRITE_BACK_GUARD = 's.generation = v.generation';

/** In every write-back's SET: the row's job is over. */
export const LEASE_ENDED = 'leased_until = null';

/** A row the scheduler would claim now, over `chat_diff_statuses ds join chats c`; metrics use it too. */
export const dueRow = sql.raw(
  `ds.stale_at <= now() and ds.git_branch <> '' and ds.git_remote_origin <> '' and not c.archived`,
);

/**
 * Claims up to `limit` due rows, oldest first, and leases them (see above) so that a crash between
 * claim and refresh only delays a row, never loses it. SKIP LOCKED lets several schedulers claim
 * side by side without waiting on each other or taking the same row.
 *
 * The owner is not read: the worker reads the whole row when the job runs. UPDATE … RETURNING does
 * not keep the CTE's order, so the claimed rows are sorted by Postgres afterwards.
 */
export async function claimDueRows(db: Database, options: { limit: number; leaseMs: number }): Promise<RowVersion[]> {
  const result = await db.execute<{ chat_id: string; generation: number }>(claimDueRowsStatement(options));
  return result.rows.map((r) => ({ chatId: r.chat_id, generation: r.generation }));
}

/** The statement of `claimDueRows`, for the benchmark's EXPLAIN. */
export function claimDueRowsStatement(options: { limit: number; leaseMs: number }) {
  return sql`
    with due as (
      select ds.chat_id, ds.stale_at as due_at
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
      -- The ANY(array) makes the update find its rows by primary key: joined with the CTE alone,
      -- the planner may read the whole table for a hash join (seen at 30,000 rows; npm run bench -- --phases scale).
      where ds.chat_id = due.chat_id and ds.chat_id = any(array(select chat_id from due))
      returning ds.chat_id, ds.generation, due.due_at
    )
    select chat_id, generation from claimed order by due_at`;
}

/**
 * Redis lost its data (flushed, restarted without persistence): every job of a leased row is gone,
 * so make those rows due now instead of waiting for their leases to run out.
 */
export async function releaseLeases(db: Database): Promise<number> {
  const result = await db.execute(sql`
    update chat_diff_statuses set stale_at = now(), ${sql.raw(LEASE_ENDED)}
    where leased_until > now()`);
  return result.rowCount ?? 0;
}

/** Makes rows due within `ms` (sooner if they already are), their lease over. */
export async function makeDueWithin(db: Database, chatIds: readonly string[], ms: number): Promise<void> {
  if (chatIds.length === 0) return;
  await db.$client.query({
    name: 'gitsync_make_due_within_v1',
    text: `update chat_diff_statuses
           set stale_at = least(stale_at, now() + $2 * interval '1 millisecond'), ${LEASE_ENDED}
           where chat_id = any($1::uuid[])`,
    values: [chatIds, ms],
  });
}
