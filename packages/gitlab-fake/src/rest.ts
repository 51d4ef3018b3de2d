import { json, notFound } from './answer.js';
import type { Answer } from './answer.js';
import { restMergeRequest, restProject } from './shapes.js';
import type { Bases } from './shapes.js';
import type { MergeRequestRecord, Store } from './store.js';

export interface RestRequest {
  method: string;
  /** Decoded segments after /api/v4. */
  segments: string[];
  pathname: string;
  query: URLSearchParams;
}

/** The REST endpoints a client of merge requests calls; everything else is a 404 like GitLab's. */
export function answerRest(store: Store, bases: Bases, req: RestRequest): Answer {
  const s = req.segments;
  if ((req.method !== 'GET' && req.method !== 'HEAD') || s[0] !== 'projects' || s[1] === undefined) return notFound();
  const project = store.project(s[1]);
  if (!project) return notFound('Project Not Found');
  if (s.length === 2) return json(200, restProject(bases, project));
  if (s[2] !== 'merge_requests') return notFound();
  if (s.length === 3) return listMergeRequests(store, bases, req, store.listOf(project));
  const iid = /^[1-9]\d{0,9}$/.test(s[3] ?? '') ? Number(s[3]) : undefined;
  const mr = iid === undefined ? undefined : store.listOf(project).find((m) => m.iid === iid);
  if (!mr) return notFound();
  if (s.length === 4) return json(200, restMergeRequest(store, bases, mr));
  return notFound();
}

const STATES = ['opened', 'closed', 'locked', 'merged', 'all'];

function listMergeRequests(store: Store, bases: Bases, req: RestRequest, all: MergeRequestRecord[]): Answer {
  const q = req.query;
  const state = q.get('state') ?? 'all';
  const orderBy = q.get('order_by') ?? 'created_at';
  const sort = q.get('sort') ?? 'desc';
  if (!STATES.includes(state)) return json(400, { error: 'state does not have a valid value' });
  if (!['created_at', 'updated_at'].includes(orderBy))
    return json(400, { error: 'order_by does not have a valid value' });
  if (!['asc', 'desc'].includes(sort)) return json(400, { error: 'sort does not have a valid value' });
  const branch = q.get('source_branch');
  const time = (mr: MergeRequestRecord) => (orderBy === 'updated_at' ? mr.updatedAt : mr.createdAt).getTime();
  const items = all
    .filter((mr) => (state === 'all' || mr.state === state) && (branch === null || mr.sourceBranch === branch))
    .sort((a, b) => (sort === 'desc' ? time(b) - time(a) : time(a) - time(b)));
  const perPage = clamp(q.get('per_page'), 20, 100);
  const page = clamp(q.get('page'), 1, Number.MAX_SAFE_INTEGER);
  const pages = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  return json(
    200,
    slice.map((mr) => restMergeRequest(store, bases, mr)),
    paginationHeaders(`${bases.web}/api/v4${req.pathname}`, q, { page, perPage, pages, total: items.length }),
  );
}

function clamp(raw: string | null, fallback: number, max: number): number {
  const n = Number.parseInt(raw ?? '', 10);
  return Number.isFinite(n) && n > 0 ? Math.min(n, max) : fallback;
}

/** GitLab's offset pagination headers: X-Page, X-Per-Page, X-Next-Page ('' on the last), X-Total …, and Link. */
function paginationHeaders(
  base: string,
  query: URLSearchParams,
  { page, perPage, pages, total }: { page: number; perPage: number; pages: number; total: number },
): Record<string, string> {
  const to = (n: number, rel: string) => {
    const q = new URLSearchParams(query);
    q.set('page', String(n));
    q.set('per_page', String(perPage));
    return `<${base}?${q.toString()}>; rel="${rel}"`;
  };
  const links = [
    ...(page > 1 ? [to(page - 1, 'prev')] : []),
    ...(page < pages ? [to(page + 1, 'next')] : []),
    to(1, 'first'),
    to(pages, 'last'),
  ];
  return {
    'x-page': String(page),
    'x-per-page': String(perPage),
    'x-next-page': page < pages ? String(page + 1) : '',
    'x-prev-page': page > 1 ? String(page - 1) : '',
    'x-total': String(total),
    'x-total-pages': String(pages),
    link: links.join(', '),
  };
}
