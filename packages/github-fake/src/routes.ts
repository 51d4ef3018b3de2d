import { diffAnswer, entity, error, notFound, ok, wantsDiff } from './answer.js';
import type { Answer } from './answer.js';
import { combinedStatus, listCheckRuns } from './checks.js';
import { linkHeader, readPage, slicePage } from './pagination.js';
import { fullRepository, pullRequest, pullRequestReview, pullRequestSimple } from './shapes.js';
import type { ShapeCache } from './shapes.js';
import { defaultDiff } from './store.js';
import type { PullQuery, PullRecord, Store } from './store.js';

export interface RouteContext {
  store: Store;
  shapes: ShapeCache;
}

/** A parsed API request: decoded path segments after /api/v3, and its query. */
export interface ApiRequest {
  method: string;
  segments: string[];
  pathname: string;
  query: URLSearchParams;
  /** The Accept header: `application/vnd.github.diff` asks for a diff. */
  accept?: string;
}

/** The REST endpoints the project calls; everything else is a 404 like GitHub's. */
export function route(ctx: RouteContext, req: ApiRequest): Answer {
  const s = req.segments;
  if ((req.method !== 'GET' && req.method !== 'HEAD') || s[0] !== 'repos') return notFound();
  const owner = s[1];
  const name = s[2];
  if (owner === undefined || name === undefined) return notFound();
  if (s.length === 3) return getRepository(ctx, owner, name);
  if (s[3] === 'commits' && s.length === 6 && s[4]) return commitChecks(ctx, req, owner, name, s[4], s[5]);
  // A branch name may hold slashes: everything after compare/ is `base...head`.
  if (s[3] === 'compare' && s.length >= 5) return compare(ctx, req, owner, name, s.slice(4).join('/'));
  if (s[3] !== 'pulls') return notFound();
  if (s.length === 4) return listPulls(ctx, req, owner, name);
  const number = parseNumber(s[4]);
  const pr = number === undefined ? undefined : ctx.store.pull(owner, name, number);
  if (!pr) return notFound();
  if (s.length === 5 && wantsDiff(req.accept))
    return diffAnswer((pr.rendered.diff ??= entity(pr.diff ?? defaultDiff(pr))));
  if (s.length === 5) return ok((pr.rendered.detail ??= entity(JSON.stringify(pullRequest(ctx.shapes, pr)))));
  if (s.length === 6 && s[5] === 'reviews') return listReviews(ctx, req, pr);
  return notFound();
}

function commitChecks(
  ctx: RouteContext,
  req: ApiRequest,
  owner: string,
  name: string,
  sha: string,
  what: string | undefined,
): Answer {
  const repo = ctx.store.repo(owner, name);
  if (!repo) return notFound();
  if (what === 'check-runs') return listCheckRuns(ctx, req, repo, sha);
  if (what === 'status') return combinedStatus(ctx, req, repo, sha);
  return notFound();
}

/**
 * `GET /repos/{o}/{r}/compare/{base}...{head}` with the diff media type: the diff set for that branch
 * (setBranchDiff). The JSON comparison is not modelled (415 says so); unknown comparisons are 404.
 */
function compare(ctx: RouteContext, req: ApiRequest, owner: string, name: string, spec: string): Answer {
  const repo = ctx.store.repo(owner, name);
  const diff = repo?.branchDiffs.get(spec);
  if (!diff) return error(404, `No common ancestor between ${spec.replace('...', ' and ')}.`);
  if (!wantsDiff(req.accept)) return error(415, 'the fake answers compare with application/vnd.github.diff only');
  return diffAnswer(diff);
}

function parseNumber(segment: string | undefined): number | undefined {
  if (segment === undefined || !/^[1-9]\d{0,9}$/.test(segment)) return undefined;
  return Number(segment);
}

function getRepository(ctx: RouteContext, owner: string, name: string): Answer {
  const repo = ctx.store.repo(owner, name);
  if (!repo) return notFound();
  return ok((repo.full ??= entity(JSON.stringify(fullRepository(ctx.shapes, repo)))));
}

function listPulls(ctx: RouteContext, req: ApiRequest, owner: string, name: string): Answer {
  const repo = ctx.store.repo(owner, name);
  if (!repo) return notFound();
  const query = parsePullQuery(req.query);
  if (typeof query === 'string') return error(422, `Validation Failed: ${query}`);
  const all = ctx.store.listPulls(repo, query);
  const page = readPage(req.query);
  const items = slicePage(all, page);
  const only = items.length === 1 ? items[0] : undefined;
  // A single PR is the find-by-branch answer the workers repeat all day; it is cached with the PR.
  const body = only
    ? (only.rendered.alone ??= entity(`[${simpleJson(ctx, only)}]`))
    : entity(`[${items.map((pr) => simpleJson(ctx, pr)).join(',')}]`);
  return withLink(ok(body), linkHeader(apiUrl(ctx, req), req.query, all.length, page));
}

function listReviews(ctx: RouteContext, req: ApiRequest, pr: PullRecord): Answer {
  const page = readPage(req.query);
  const pages = (pr.rendered.reviewPages ??= new Map());
  const key = `${page.perPage}:${page.page}`;
  let body = pages.get(key);
  if (!body) {
    const items = slicePage(pr.reviews, page);
    body = entity(`[${items.map((r) => (r.json ??= JSON.stringify(pullRequestReview(ctx.shapes, pr, r)))).join(',')}]`);
    pages.set(key, body);
  }
  return withLink(ok(body), linkHeader(apiUrl(ctx, req), req.query, pr.reviews.length, page));
}

const simpleJson = (ctx: RouteContext, pr: PullRecord): string =>
  (pr.rendered.simple ??= JSON.stringify(pullRequestSimple(ctx.shapes, pr)));

const apiUrl = (ctx: RouteContext, req: ApiRequest): string => `${ctx.shapes.bases.api}${req.pathname}`;

function withLink(answer: Answer, link: string | undefined): Answer {
  if (link !== undefined) answer.headers = { ...answer.headers, link };
  return answer;
}

/** GitHub's list-pulls parameters; a string names the invalid one. */
function parsePullQuery(q: URLSearchParams): PullQuery | string {
  const state = q.get('state') ?? 'open';
  if (state !== 'open' && state !== 'closed' && state !== 'all') return 'state';
  const sortParam = q.get('sort') ?? 'created';
  if (!['created', 'updated', 'popularity', 'long-running'].includes(sortParam)) return 'sort';
  // popularity/long-running need comments and age we do not model; created order is a fair stand-in.
  const sort = sortParam === 'updated' ? 'updated' : 'created';
  // GitHub: desc by default when sorting by created (or not sorting), asc otherwise.
  const direction = q.get('direction') ?? (sortParam === 'created' ? 'desc' : 'asc');
  if (direction !== 'asc' && direction !== 'desc') return 'direction';
  const query: PullQuery = { state, sort, direction };
  const head = q.get('head');
  if (head !== null && head !== '') {
    const colon = head.indexOf(':');
    if (colon < 0) {
      query.head = head;
    } else {
      query.headOwner = head.slice(0, colon);
      query.head = head.slice(colon + 1);
    }
  }
  return query;
}
