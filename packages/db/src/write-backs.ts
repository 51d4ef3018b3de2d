import { eq, inArray } from 'drizzle-orm';
import type { OutcomeWrite, RefreshedWrite } from '@gitsync/gitsync';
import type { Database } from './client.js';
import type { ChatWithStatus } from './diff-statuses.js';
import { forgetPullRequestWhen } from './pull-request-columns.js';
import { LEASE_ENDED, WRITE_BACK_GUARD } from './row-version.js';
import { chatDiffStatuses, chats } from './schema.js';

export interface SaveResult {
  /** False when the row moved on (a newer report) and nothing was written. */
  written: boolean;
  /** The chat with its new status, for a written write a reader would see; null otherwise. */
  change: ChatWithStatus | null;
}

/*
 * Write-backs come in batches (the worker gathers the results of its concurrent jobs): one statement
 * over unnest()ed arrays whatever the batch size, so the text — and its plan, as a named prepared
 * statement — never changes. Only the version a refresh read may write (row-version.ts); the row ids
 * that were written come back.
 */
const SAVE_REFRESHED = `
update chat_diff_statuses s set
  url = v.url,
  pull_request_state = case when v.has_pull then v.state else s.pull_request_state end,
  pull_request_title = case when v.has_pull then v.title else s.pull_request_title end,
  pull_request_draft = case when v.has_pull then v.draft else s.pull_request_draft end,
  additions = case when v.has_pull then v.additions else s.additions end,
  deletions = case when v.has_pull then v.deletions else s.deletions end,
  changed_files = case when v.has_pull then v.changed_files else s.changed_files end,
  commits = case when v.has_pull then v.commits else s.commits end,
  pr_number = case when v.has_pull then v.pr_number else s.pr_number end,
  head_branch = case when v.has_pull then v.head_branch else s.head_branch end,
  head_sha = case when v.has_pull then v.head_sha else s.head_sha end,
  base_branch = case when v.has_pull then v.base_branch else s.base_branch end,
  author_login = case when v.has_pull then v.author_login else s.author_login end,
  author_avatar_url = case when v.has_pull then v.author_avatar_url else s.author_avatar_url end,
  pull_etag = case when v.has_pull then v.pull_etag else s.pull_etag end,
  mergeable = case when v.has_pull then v.mergeable else s.mergeable end,
  mergeable_state = case when v.has_pull then v.mergeable_state else s.mergeable_state end,
  requested_reviewer_count = case when v.has_pull then v.requested_reviewer_count else s.requested_reviewer_count end,
  labels = case when v.has_pull then v.labels else s.labels end,
  checks_state = case when v.has_checks then v.checks_state else s.checks_state end,
  checks_passed = case when v.has_checks then v.checks_passed else s.checks_passed end,
  checks_failed = case when v.has_checks then v.checks_failed else s.checks_failed end,
  checks_pending = case when v.has_checks then v.checks_pending else s.checks_pending end,
  check_runs_etag = case when v.has_checks then v.check_runs_etag else s.check_runs_etag end,
  statuses_etag = case when v.has_checks then v.statuses_etag else s.statuses_etag end,
  check_runs_tally = case when v.has_checks then v.check_runs_tally else s.check_runs_tally end,
  statuses_tally = case when v.has_checks then v.statuses_tally else s.statuses_tally end,
  approved = case when v.has_reviews then v.approved else s.approved end,
  changes_requested = case when v.has_reviews then v.changes_requested else s.changes_requested end,
  reviewer_count = case when v.has_reviews then v.reviewer_count else s.reviewer_count end,
  reviews_etag = case when v.has_reviews then v.reviews_etag else s.reviews_etag end,
  refreshed_at = v.refreshed_at,
  stale_at = v.stale_at,
  refresh_interval_class = v.interval_class,
  refresh_interval_ms = v.interval_ms,
  pr_changed_at = coalesce(v.pr_changed_at, s.pr_changed_at),
  ${LEASE_ENDED},
  last_outcome = 'refreshed',
  last_error = null,
  failed_attempts = 0,
  updated_at = now()
from unnest(
  $1::uuid[], $2::int[], $3::text[], $4::bool[], $5::pull_request_state[], $6::text[], $7::bool[], $8::int[], $9::int[],
  $10::int[], $11::int[], $12::int[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[],
  $19::bool[], $20::bool[], $21::bool[], $22::int[], $23::text[], $24::timestamptz[], $25::timestamptz[],
  $26::bool[], $27::text[], $28::int[], $29::jsonb[],
  $30::bool[], $31::checks_state[], $32::int[], $33::int[], $34::int[], $35::text[], $36::text[],
  $37::jsonb[], $38::jsonb[],
  $39::refresh_interval_class[], $40::int[], $41::timestamptz[]
) as v(chat_id, generation, url, has_pull, state, title, draft, additions, deletions,
       changed_files, commits, pr_number, head_branch, head_sha, base_branch, author_login, author_avatar_url,
       pull_etag,
       has_reviews, approved, changes_requested, reviewer_count, reviews_etag, refreshed_at, stale_at,
       mergeable, mergeable_state, requested_reviewer_count, labels,
       has_checks, checks_state, checks_passed, checks_failed, checks_pending, check_runs_etag, statuses_etag,
       check_runs_tally, statuses_tally,
       interval_class, interval_ms, pr_changed_at)
where s.chat_id = v.chat_id and ${WRITE_BACK_GUARD}
returning s.chat_id`;

const SAVE_OUTCOME = `
update chat_diff_statuses s set
  stale_at = v.stale_at,
  refresh_interval_class = v.interval_class,
  refresh_interval_ms = v.interval_ms,
  ${LEASE_ENDED},
  last_outcome = v.outcome,
  last_error = v.error,
  failed_attempts = s.failed_attempts + 1,
  ${forgetPullRequestWhen('v.clear_url', 's')},
  updated_at = now()
from unnest($1::uuid[], $2::int[], $3::refresh_outcome[], $4::text[], $5::timestamptz[], $6::bool[],
            $7::refresh_interval_class[], $8::int[])
  as v(chat_id, generation, outcome, error, stale_at, clear_url, interval_class, interval_ms)
where s.chat_id = v.chat_id and ${WRITE_BACK_GUARD}
returning s.chat_id`;

async function run(db: Database, name: string, text: string, values: unknown[]): Promise<Set<string>> {
  const result = await db.$client.query<{ chat_id: string }>({ name, text, values });
  return new Set(result.rows.map((r) => r.chat_id));
}

const column = <T, V>(rows: readonly T[], pick: (row: T) => V) => rows.map(pick);

/** Writes refreshed statuses, one result per write in order (see {@link SaveResult}). */
export async function saveRefreshedBatch(db: Database, writes: readonly RefreshedWrite[]): Promise<SaveResult[]> {
  if (writes.length === 0) return [];
  const pulls = writes.map((w) => w.pull);
  const reviews = writes.map((w) => w.reviews);
  const checks = writes.map((w) => w.checks);
  const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
  const written = await run(db, 'gitsync_save_refreshed_v2', SAVE_REFRESHED, [
    column(writes, (w) => w.chatId),
    column(writes, (w) => w.generation),
    column(writes, (w) => w.url),
    column(pulls, (p) => p !== null),
    column(pulls, (p) => p?.state ?? null),
    column(pulls, (p) => p?.title ?? null),
    column(pulls, (p) => p?.draft ?? null),
    column(pulls, (p) => p?.additions ?? null),
    column(pulls, (p) => p?.deletions ?? null),
    column(pulls, (p) => p?.changedFiles ?? null),
    column(pulls, (p) => p?.commits ?? null),
    column(pulls, (p) => p?.number ?? null),
    column(pulls, (p) => p?.headBranch ?? null),
    column(pulls, (p) => p?.headSha ?? null),
    column(pulls, (p) => p?.baseBranch ?? null),
    column(pulls, (p) => p?.authorLogin ?? null),
    column(pulls, (p) => p?.authorAvatarUrl ?? null),
    column(pulls, (p) => p?.etag ?? null),
    column(reviews, (r) => r !== null),
    column(reviews, (r) => r?.approved ?? null),
    column(reviews, (r) => r?.changesRequested ?? null),
    column(reviews, (r) => r?.reviewerCount ?? null),
    column(reviews, (r) => r?.etag ?? null),
    column(writes, (w) => w.refreshedAt),
    column(writes, (w) => w.staleAt),
    column(pulls, (p) => p?.mergeable ?? null),
    column(pulls, (p) => p?.mergeableState ?? null),
    column(pulls, (p) => p?.requestedReviewerCount ?? null),
    column(pulls, (p) => json(p?.labels)),
    column(checks, (c) => c !== null),
    column(checks, (c) => c?.summary?.state ?? null),
    column(checks, (c) => c?.summary?.passed ?? null),
    column(checks, (c) => c?.summary?.failed ?? null),
    column(checks, (c) => c?.summary?.pending ?? null),
    column(checks, (c) => c?.checkRuns.etag ?? null),
    column(checks, (c) => c?.statuses.etag ?? null),
    column(checks, (c) => json(c?.checkRuns.tally)),
    column(checks, (c) => json(c?.statuses.tally)),
    column(writes, (w) => w.schedule.intervalClass),
    column(writes, (w) => w.schedule.intervalMs),
    column(writes, (w) => w.prChangedAt),
  ]);
  return withChanges(db, writes, written, (w) => w.changed);
}

/**
 * Records outcomes other than `refreshed` and when to try again, one result per write in order.
 * Forgetting a PR is a change a reader sees (its icon goes).
 */
export async function saveOutcomeBatch(db: Database, writes: readonly OutcomeWrite[]): Promise<SaveResult[]> {
  if (writes.length === 0) return [];
  const written = await run(db, 'gitsync_save_outcome_v3', SAVE_OUTCOME, [
    column(writes, (w) => w.chatId),
    column(writes, (w) => w.generation),
    column(writes, (w) => w.outcome),
    column(writes, (w) => w.error),
    column(writes, (w) => w.staleAt),
    column(writes, (w) => w.clearUrl),
    column(writes, (w) => w.schedule.intervalClass),
    column(writes, (w) => w.schedule.intervalMs),
  ]);
  return withChanges(db, writes, written, (w) => w.clearUrl);
}

/**
 * The results of a batch: the chats with their new status are loaded (one query)
 * for the written writes that `changed`.
 */
async function withChanges<W extends { chatId: string }>(
  db: Database,
  writes: readonly W[],
  written: Set<string>,
  changed: (write: W) => boolean,
): Promise<SaveResult[]> {
  const changes = await chatsWithStatus(
    db,
    writes.filter((w) => changed(w) && written.has(w.chatId)).map((w) => w.chatId),
  );
  return writes.map((w) => ({ written: written.has(w.chatId), change: (changed(w) && changes.get(w.chatId)) || null }));
}

async function chatsWithStatus(db: Database, chatIds: string[]): Promise<Map<string, ChatWithStatus>> {
  if (chatIds.length === 0) return new Map();
  const rows = await db
    .select()
    .from(chats)
    .innerJoin(chatDiffStatuses, eq(chatDiffStatuses.chatId, chats.id))
    .where(inArray(chats.id, chatIds));
  return new Map(rows.map((r) => [r.chats.id, { chat: r.chats, status: r.chat_diff_statuses }]));
}
