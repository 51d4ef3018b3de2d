import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import { chatDiffStatuses, type ChatDiffStatus } from './schema.js';

/**
 * Everything a row knows of its pull request, with its value when there is none. They are kept or
 * forgotten together (SPEC §4): a row never shows a state, title or number without a url.
 */
export const noPullRequest = {
  url: null,
  pullRequestState: null,
  pullRequestTitle: '',
  pullRequestDraft: false,
  changesRequested: false,
  additions: 0,
  deletions: 0,
  changedFiles: 0,
  authorLogin: null,
  authorAvatarUrl: null,
  baseBranch: null,
  headBranch: null,
  headSha: null,
  prNumber: null,
  commits: null,
  approved: null,
  reviewerCount: null,
  mergeable: null,
  mergeableState: null,
  requestedReviewerCount: null,
  labels: null,
  checksState: null,
  checksPassed: null,
  checksFailed: null,
  checksPending: null,
  pullEtag: null,
  reviewsEtag: null,
  checkRunsEtag: null,
  statusesEtag: null,
  checkRunsTally: null,
  statusesTally: null,
} satisfies Partial<ChatDiffStatus>;

export type PullRequestColumn = keyof typeof noPullRequest;

const literal = (value: string | number | boolean | null) =>
  value === null ? 'null' : typeof value === 'string' ? `'${value.replace(/'/g, "''")}'` : String(value);

/**
 * SET clause parts for raw SQL: each PR column becomes its "no PR" value when `condition` holds,
 * else keeps `row`'s value (`row` is the updated table's alias).
 */
export function forgetPullRequestWhen(condition: string, row: string): string {
  const columns = getTableColumns(chatDiffStatuses);
  return (Object.keys(noPullRequest) as PullRequestColumn[])
    .map((key) => {
      const name = columns[key].name;
      return `${name} = case when ${condition} then ${literal(noPullRequest[key])} else ${row}.${name} end`;
    })
    .join(',\n  ');
}

/** A drizzle SET object: each PR column keeps its value when `condition` holds, else becomes its "no PR" value. */
export function keepPullRequestWhen(condition: SQL): Record<PullRequestColumn, SQL> {
  const columns = getTableColumns(chatDiffStatuses);
  return Object.fromEntries(
    (Object.keys(noPullRequest) as PullRequestColumn[]).map((key) => [
      key,
      sql`case when ${condition} then ${columns[key]} else ${noPullRequest[key]} end`,
    ]),
  ) as Record<PullRequestColumn, SQL>;
}
