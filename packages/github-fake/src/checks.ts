import type { components } from '@octokit/openapi-types';
import { entity, ok } from './answer.js';
import type { Answer, Entity } from './answer.js';
import { linkHeader, readPage, slicePage } from './pagination.js';
import type { Page } from './pagination.js';
import type { ApiRequest, RouteContext } from './routes.js';
import { isoSeconds } from './shapes.js';
import type { CheckRunRecord, CommitRecord, RepoRecord, StatusRecord } from './store.js';

type CheckRun = components['schemas']['check-run'];
type CombinedStatus = components['schemas']['combined-commit-status'];
type SimpleStatus = components['schemas']['simple-commit-status'];

const nodeId = (prefix: string, id: number): string =>
  `${prefix}_kwDO${Buffer.from(`fake:${prefix}:${id}`).toString('base64url')}`;

/** The app every fake check run comes from (GitHub Actions' shape, id 15368 as on github.com). */
function actionsApp(ctx: RouteContext): NonNullable<CheckRun['app']> {
  return {
    id: 15368,
    slug: 'github-actions',
    node_id: 'MDM6QXBwMTUzNjg=',
    owner: ctx.shapes.user('github'),
    name: 'GitHub Actions',
    description: 'Automate your workflow from idea to production',
    external_url: 'https://help.github.com/en/actions',
    html_url: `${ctx.shapes.bases.web}/apps/github-actions`,
    created_at: '2018-07-30T09:30:17Z',
    updated_at: '2019-12-10T19:04:12Z',
    permissions: { checks: 'write', metadata: 'read' },
    events: ['check_run', 'check_suite'],
  };
}

function checkRun(ctx: RouteContext, repo: RepoRecord, run: CheckRunRecord): CheckRun {
  const full = `${repo.owner}/${repo.name}`;
  const api = `${ctx.shapes.bases.api}/repos/${full}/check-runs/${run.id}`;
  const html = `${ctx.shapes.bases.web}/${full}/runs/${run.id}`;
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: nodeId('CR', run.id),
    external_id: String(run.id),
    url: api,
    html_url: html,
    details_url: html,
    status: run.status,
    conclusion: run.conclusion,
    started_at: isoSeconds(run.startedAt),
    completed_at: run.completedAt && isoSeconds(run.completedAt),
    output: { title: null, summary: null, text: null, annotations_count: 0, annotations_url: `${api}/annotations` },
    name: run.name,
    check_suite: { id: run.id },
    app: actionsApp(ctx),
    pull_requests: [],
  };
}

/**
 * `GET /repos/{o}/{r}/commits/{sha}/check-runs`: `{total_count, check_runs}`, paginated (per_page up
 * to 100) with a Link header. `filter=latest` (the default) shows the most recent run of each name.
 */
export function listCheckRuns(ctx: RouteContext, req: ApiRequest, repo: RepoRecord, sha: string): Answer {
  const commit = repo.commits.get(sha);
  const filter = req.query.get('filter') === 'all' ? 'all' : 'latest';
  const runs = commit ? (filter === 'all' ? commit.runs : latestByName(commit.runs)) : [];
  const page = readPage(req.query);
  const body = cachedPage(commit, 'runPages', `${filter}:${page.perPage}:${page.page}`, () =>
    JSON.stringify({ total_count: runs.length, check_runs: slicePage(runs, page).map((r) => checkRun(ctx, repo, r)) }),
  );
  return withLink(ok(body), ctx, req, runs.length, page);
}

function latestByName(runs: readonly CheckRunRecord[]): CheckRunRecord[] {
  const latest = new Map<string, CheckRunRecord>();
  for (const run of runs) latest.set(run.name, run);
  return [...latest.values()].sort((a, b) => a.id - b.id);
}

/** GitHub's combined state: failure if any is error or failure, pending if any is pending (or none), else success. */
function combinedState(statuses: readonly StatusRecord[]): string {
  if (statuses.some((s) => s.state === 'error' || s.state === 'failure')) return 'failure';
  if (statuses.length === 0 || statuses.some((s) => s.state === 'pending')) return 'pending';
  return 'success';
}

function simpleStatus(ctx: RouteContext, repo: RepoRecord, sha: string, status: StatusRecord): SimpleStatus {
  return {
    description: status.description,
    id: status.id,
    node_id: nodeId('SC', status.id),
    state: status.state,
    context: status.context,
    target_url: null,
    avatar_url: null,
    url: `${ctx.shapes.bases.api}/repos/${repo.owner}/${repo.name}/statuses/${sha}`,
    created_at: isoSeconds(status.createdAt),
    updated_at: isoSeconds(status.updatedAt),
  };
}

/**
 * `GET /repos/{o}/{r}/commits/{sha}/status`: the latest status of each context, and their combined
 * state (`pending` with `total_count: 0` for a commit without statuses, as GitHub answers).
 */
export function combinedStatus(ctx: RouteContext, req: ApiRequest, repo: RepoRecord, sha: string): Answer {
  const commit = repo.commits.get(sha);
  const statuses = commit ? [...commit.statuses.values()] : [];
  const page = readPage(req.query);
  const body = cachedPage(commit, 'statusPages', `${page.perPage}:${page.page}`, () => {
    const api = `${ctx.shapes.bases.api}/repos/${repo.owner}/${repo.name}`;
    const combined: CombinedStatus = {
      state: combinedState(statuses),
      statuses: slicePage(statuses, page).map((s) => simpleStatus(ctx, repo, sha, s)),
      sha,
      total_count: statuses.length,
      repository: { ...ctx.shapes.repository(repo), license: null },
      commit_url: `${api}/commits/${sha}`,
      url: `${api}/commits/${sha}/status`,
    };
    return JSON.stringify(combined);
  });
  return withLink(ok(body), ctx, req, statuses.length, page);
}

/** A page serialised once per change of the commit; a commit nobody touched is rendered every time (it is small). */
function cachedPage(
  commit: CommitRecord | undefined,
  kind: 'runPages' | 'statusPages',
  key: string,
  render: () => string,
): Entity {
  if (!commit) return entity(render());
  const pages = (commit.rendered[kind] ??= new Map());
  let body = pages.get(key);
  if (!body) pages.set(key, (body = entity(render())));
  return body;
}

function withLink(answer: Answer, ctx: RouteContext, req: ApiRequest, total: number, page: Page): Answer {
  const link = linkHeader(`${ctx.shapes.bases.api}${req.pathname}`, req.query, total, page);
  if (link !== undefined) answer.headers = { ...answer.headers, link };
  return answer;
}
