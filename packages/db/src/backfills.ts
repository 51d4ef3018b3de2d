import { sql } from 'drizzle-orm';
import { repositoryKey } from '@gitsync/gitprovider/origin';
import type { Database } from './client.js';
import { forgetPullRequestWhen } from './pull-request-columns.js';

const BATCH = 1_000;

/**
 * Data steps that follow the schema migrations; each is idempotent and cheap once done, so every
 * `migrate` runs them. They live here rather than in a SQL migration because they need code the
 * application already has (one repository-key parser, not a second one in SQL).
 */
export async function runBackfills(db: Database): Promise<void> {
  await backfillRepositoryKeys(db);
  await forgetOrphanedPullRequestFields(db);
}

/** `repo_key` of rows reported before the column existed. */
async function backfillRepositoryKeys(db: Database): Promise<void> {
  for (;;) {
    const rows = await db.execute<{ chat_id: string; git_remote_origin: string }>(sql`
      select chat_id, git_remote_origin from chat_diff_statuses
      where repo_key is null order by chat_id limit ${BATCH}`);
    if (rows.rows.length === 0) return;
    const chatIds = rows.rows.map((r) => r.chat_id);
    const repoKeys = rows.rows.map((r) => repositoryKey(r.git_remote_origin) ?? '');
    await db.execute(sql`
      update chat_diff_statuses s set repo_key = v.repo_key
      from unnest(${chatIds}::uuid[], ${repoKeys}::text[]) as v(chat_id, repo_key)
      where s.chat_id = v.chat_id`);
  }
}

/** Rows whose url was dropped by an earlier version while its PR's fields stayed (SPEC §4: no state without a url). */
async function forgetOrphanedPullRequestFields(db: Database): Promise<void> {
  await db.execute(
    sql.raw(`
    update chat_diff_statuses s set ${forgetPullRequestWhen('true', 's')}
    where s.url is null
      and (s.pull_request_state is not null or s.pr_number is not null or s.pull_request_title <> '')`),
  );
}
