import { sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { dueRow } from './row-version.js';

/** Label used for rows that were never refreshed (last_outcome is null). */
export const NEVER_REFRESHED = 'none';

/** Rows per last refresh outcome, for metrics: `{refreshed: 120, no_token: 3, none: 7}`. */
export async function countRowsByOutcome(db: Database): Promise<Record<string, number>> {
  const result = await db.execute<{ outcome: string | null; n: string }>(sql`
    select last_outcome::text as outcome, count(*) as n from chat_diff_statuses group by last_outcome`);
  return Object.fromEntries(result.rows.map((r) => [r.outcome ?? NEVER_REFRESHED, Number(r.n)]));
}

/**
 * How long the oldest due row has been waiting, in seconds (0 when none is due): the one number
 * that says whether the workers keep up. The scheduler's own "due" (dueRow).
 */
/**
 * The statement of `oldestDueRowAgeSeconds` (and the benchmark's EXPLAIN). ORDER BY … LIMIT 1, not
 * min(): the planner then walks the stale_at index and stops at the first due row, where min()
 * got a parallel hash join over both tables at a million rows (~70–100 ms at every scrape).
 */
export const oldestDueRowStatement = sql`
    select extract(epoch from now() - ds.stale_at) as age
    from chat_diff_statuses ds join chats c on c.id = ds.chat_id
    where ${dueRow}
    order by ds.stale_at
    limit 1`;

export async function oldestDueRowAgeSeconds(db: Database): Promise<number> {
  const result = await db.execute<{ age: string | number | null }>(oldestDueRowStatement);
  const age = result.rows[0]?.age;
  return age === null || age === undefined ? 0 : Math.max(0, Number(age));
}
