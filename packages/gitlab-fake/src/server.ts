import type { IncomingMessage, ServerResponse } from 'node:http';
import { etagMatches, json, message, readBody, send, weakEtag } from './answer.js';
import type { Answer } from './answer.js';
import { answerGraphql } from './graphql.js';
import type { GraphqlBody } from './graphql.js';
import { mergeRequestHook, pipelineHook } from './hooks.js';
import { answerOAuth } from './oauth.js';
import { answerRest } from './rest.js';
import type { Bases } from './shapes.js';
import { Store, toFakeMergeRequest } from './store.js';
import type { MergeRequestRecord } from './store.js';
import { rateHeaders, snapshot, Tokens } from './tokens.js';
import type { FailureMode, FakeGitLab, FakeGitLabOptions, FakeRequest } from './types.js';
import { answerWeb } from './web.js';
import { FakeHttp } from '@gitsync/fake-kit';

const REST_PREFIX = '/api/v4';
const GRAPHQL_PATH = '/api/graphql';
const TOKEN_PATH = '/oauth/token';
const MAX_GRAPHQL_BODY = 1024 * 1024;

/** Starts a GitLab fake on loopback: REST under /api/v4, GraphQL at /api/graphql, OAuth at /oauth/token. */
export async function startFakeGitLab(options: FakeGitLabOptions = {}): Promise<FakeGitLab> {
  const store = new Store();
  const tokens = new Tokens();
  const failures = new Map<number, { mode: FailureMode; remaining: number }>();
  const requests: FakeRequest[] = [];
  let counter = 0;
  const announceAlways = options.rateLimitHeaders === 'always';
  let bases: Bases = { web: '' };

  /** Authentication, throttling and injected failures, then the route; GitLab charges every request, 304s too. */
  async function answerApi(
    req: IncomingMessage,
    pathname: string,
    query: string,
    token: string | null,
    operation: { name: string | null },
  ): Promise<Answer> {
    const now = Date.now();
    const account = token === null ? undefined : tokens.account(token, now);
    if (!account) return json(401, { message: '401 Unauthorized' });
    account.used++;
    const rate = snapshot(account);
    const forced = tokens.forcedUntil(token!, now);
    if (forced !== undefined || rate.observed > rate.limit) {
      const limited = forced === undefined ? rate : { ...rate, remaining: 0, resetAt: forced };
      return {
        status: 429,
        body: 'Retry later\n',
        contentType: 'text/plain',
        headers: rateHeaders(limited, now, true),
      };
    }
    const announce = announceAlways ? rateHeaders(rate, now, false) : {};
    let answer: Answer;
    if (pathname === GRAPHQL_PATH) {
      if (req.method !== 'POST') return json(405, { errors: [{ message: 'GraphQL requests are POSTed' }] });
      let body: GraphqlBody;
      try {
        const raw = await readBody(req, MAX_GRAPHQL_BODY);
        body = JSON.parse(raw) as GraphqlBody;
      } catch {
        return json(400, { errors: [{ message: 'Invalid JSON' }] });
      }
      operation.name = typeof body.query === 'string' ? (/^\s*query\s+(\w+)/.exec(body.query)?.[1] ?? null) : null;
      const failure = failureFor(graphqlProject(body));
      answer = failure ?? json(200, await answerGraphql(store, bases.web, body));
    } else {
      const rest = pathname.slice(REST_PREFIX.length) || '/';
      let segments: string[];
      try {
        segments = rest.split('/').slice(1).map(decodeURIComponent);
      } catch {
        return message(404, '404 Not Found');
      }
      const project = segments[0] === 'projects' && segments[1] !== undefined ? store.project(segments[1]) : undefined;
      answer =
        failureFor(project?.id) ??
        answerRest(store, bases, {
          method: req.method ?? 'GET',
          segments,
          pathname: rest,
          query: new URLSearchParams(query),
        });
      if (answer.status === 200 && answer.body !== undefined) {
        const etag = weakEtag(answer.body);
        if (etagMatches(req.headers['if-none-match'], etag)) return { status: 304, headers: { etag, ...announce } };
        answer.headers = { ...answer.headers, etag };
      }
    }
    answer.headers = { ...answer.headers, ...announce };
    return answer;
  }

  function graphqlProject(body: GraphqlBody): number | undefined {
    const variables = body.variables as { project?: unknown } | undefined;
    return typeof variables?.project === 'string' ? store.project(variables.project)?.id : undefined;
  }

  function failureFor(projectId: number | undefined): Answer | undefined {
    const failure = projectId === undefined ? undefined : failures.get(projectId);
    if (!failure) return undefined;
    if (--failure.remaining <= 0) failures.delete(projectId!);
    switch (failure.mode) {
      case 'error500':
        return message(500, '500 Internal Server Error');
      case 'garbage':
        return { status: 200, body: '<html><body>502 Bad Gateway</body></html' };
      case 'forbidden':
        return message(403, '403 Forbidden');
      case 'notFound':
        return message(404, '404 Project Not Found');
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrival = ++counter;
    if (!(await http.admit({ method: req.method ?? 'GET', path: req.url ?? '/', token: tokenOf(req) }))) return;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    const token = tokenOf(req);
    const operation = { name: null as string | null };
    let result: Answer;
    try {
      if (pathname === GRAPHQL_PATH || pathname === REST_PREFIX || pathname.startsWith(`${REST_PREFIX}/`))
        result = await answerApi(req, pathname, q < 0 ? '' : url.slice(q + 1), token, operation);
      else if (pathname === TOKEN_PATH) result = await answerOAuth(req, tokens);
      else result = answerWeb(store, req.method ?? 'GET', pathname);
    } catch (err) {
      result = message(500, `fake GitLab failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (http.closed || res.destroyed) return;
    send(res, result);
    requests.push({
      method: req.method ?? 'GET',
      path: url,
      operation: operation.name,
      token,
      status: result.status,
      at: Date.now(),
      arrival,
      answered: ++counter,
      conditional: req.headers['if-none-match'] !== undefined,
    });
  }

  const http = new FakeHttp(handle, options.latencyMs);
  const url = await http.listen(options);
  bases = { web: url };
  const view = (mr: MergeRequestRecord) => toFakeMergeRequest(mr, url);
  const found = (project: string, iid: number) => {
    const mr = store.mergeRequest(project, iid);
    if (!mr) throw new Error(`fake GitLab: no merge request ${project}!${iid}`);
    return mr;
  };

  return {
    url,
    apiBaseUrl: `${url}${REST_PREFIX}`,
    tokenUrl: `${url}${TOKEN_PATH}`,
    addToken: (token, opts) => tokens.add(token, opts),
    removeToken: (token) => tokens.remove(token),
    addRefreshToken: (refreshToken, opts) => tokens.addRefresh(refreshToken, opts.username),
    get issuedTokens() {
      return tokens.issued;
    },
    addProject: (path, opts) => void store.addProject(path, opts?.forkOf),
    createMergeRequest: (input) => view(store.createMergeRequest(input)),
    updateMergeRequest: (project, iid, patch) => view(store.patch(project, iid, patch)),
    approve: (project, iid, username) =>
      view(
        store.update(project, iid, (mr) => {
          if (!mr.approvedBy.includes(username)) mr.approvedBy.push(username);
          if (mr.reviewers.has(username)) mr.reviewers.set(username, 'APPROVED');
        }),
      ),
    unapprove: (project, iid, username) =>
      view(
        store.update(project, iid, (mr) => {
          mr.approvedBy = mr.approvedBy.filter((u) => u !== username);
          if (mr.reviewers.has(username)) mr.reviewers.set(username, 'UNAPPROVED');
        }),
      ),
    setReviewer: (project, iid, username, state) =>
      view(
        store.update(project, iid, (mr) => {
          mr.reviewers.set(username, state);
          // Requesting changes takes one's approval back, as GitLab does.
          if (state === 'REQUESTED_CHANGES') mr.approvedBy = mr.approvedBy.filter((u) => u !== username);
        }),
      ),
    getMergeRequest: (project, iid) => {
      const mr = store.mergeRequest(project, iid);
      return mr && view(mr);
    },
    mergeRequestHook: (project, iid, action) => mergeRequestHook(store, bases, found(project, iid), action),
    pipelineHook: (project, iid) => pipelineHook(store, bases, found(project, iid)),
    forceRateLimit: (token, ms) => tokens.force(token, ms),
    failProject: (project, mode, times = Infinity) => {
      const record = store.addProject(project);
      if (times > 0) failures.set(record.id, { mode, remaining: times });
    },
    clearFailures: () => failures.clear(),
    setLatency: (ms) => http.setLatency(ms),
    hold: (match) => http.hold(match),
    get requests() {
      return requests;
    },
    clearRequests: () => {
      requests.length = 0;
    },
    close: () => http.close(),
  };
}

/** `Authorization: Bearer T` or `PRIVATE-TOKEN: T`, as GitLab accepts both. */
function tokenOf(req: IncomingMessage): string | null {
  const bearer = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (bearer?.[1]) return bearer[1];
  const header = req.headers['private-token'];
  return typeof header === 'string' && header.trim() !== '' ? header.trim() : null;
}
