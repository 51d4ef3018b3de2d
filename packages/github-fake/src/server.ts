import { FakeHttp } from '@gitsync/fake-kit';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { error, send } from './answer.js';
import type { Answer } from './answer.js';
import { answerApi } from './api.js';
import type { ApiContext } from './api.js';
import { Failures } from './failures.js';
import { answerOAuth } from './oauth.js';
import { ShapeCache } from './shapes.js';
import { Store, toFakeCheckRun, toFakePullRequest } from './store.js';
import { Tokens } from './tokens.js';
import type { FakeGitHub, FakeGitHubOptions, FakeRequest } from './types.js';
import { answerWeb } from './web.js';

const API_PREFIX = '/api/v3';
const TOKEN_PATH = '/login/oauth/access_token';

/** Starts a GitHub REST fake on loopback (port 0 = a free one), configured like GitHub Enterprise. */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const store = new Store();
  const tokens = new Tokens(options.now);
  const failures = new Failures();
  const requests: FakeRequest[] = [];
  let counter = 0;
  let unanswered = 0;
  // Filled in once listening: the URLs inside bodies need the bound port.
  let ctx: ApiContext | undefined;

  async function answer(req: IncomingMessage, url: string, token: string | null): Promise<Answer> {
    const method = req.method ?? 'GET';
    if (ctx && (url === API_PREFIX || url.startsWith(`${API_PREFIX}/`) || url.startsWith(`${API_PREFIX}?`))) {
      const rest = url.slice(API_PREFIX.length) || '/';
      return answerApi(ctx, method, rest, token, req.headers['if-none-match'], req.headers.accept);
    }
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    if (pathname === TOKEN_PATH) return answerOAuth(req, q < 0 ? '' : url.slice(q + 1), tokens);
    return answerWeb(store, method, pathname);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrival = ++counter;
    unanswered++;
    try {
      const url = req.url ?? '/';
      const token = bearer(req.headers.authorization);
      if (!(await http.admit({ method: req.method ?? 'GET', path: url, token }))) return;
      let result: Answer;
      try {
        result = await answer(req, url, token);
      } catch (err) {
        result = error(500, `fake GitHub failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (http.closed || res.destroyed) return;
      send(res, result);
      requests.push({
        method: req.method ?? 'GET',
        path: url,
        token,
        status: result.status,
        at: Date.now(),
        arrival,
        answered: ++counter,
        conditional: req.headers['if-none-match'] !== undefined,
      });
    } finally {
      unanswered--;
    }
  }

  const http = new FakeHttp(handle, options.latencyMs);
  const url = await http.listen(options);
  const apiBaseUrl = `${url}${API_PREFIX}`;
  ctx = { store, tokens, failures, shapes: new ShapeCache({ web: url, api: apiBaseUrl }, store) };

  return {
    url,
    apiBaseUrl,
    tokenUrl: `${url}${TOKEN_PATH}`,
    addToken: (token, opts) => tokens.add(token, opts),
    removeToken: (token) => tokens.remove(token),
    addRefreshToken: (refreshToken, opts) => tokens.addRefresh(refreshToken, opts.login, opts.reusable),
    get issuedTokens() {
      return tokens.issued;
    },
    addRepo: (owner, repo, options) => void store.addRepo(owner, repo, options),
    createPullRequest: (input) => toFakePullRequest(store.createPullRequest(input), url),
    updatePullRequest: (owner, repo, number, patch) =>
      toFakePullRequest(store.updatePullRequest(owner, repo, number, patch), url),
    addReview: (owner, repo, number, review) => store.addReview(owner, repo, number, review),
    addCheckRun: (owner, repo, sha, input) => toFakeCheckRun(store.addCheckRun(owner, repo, sha, input)),
    updateCheckRun: (owner, repo, id, patch) => toFakeCheckRun(store.updateCheckRun(owner, repo, id, patch)),
    setCommitStatus: (owner, repo, sha, input) => store.setCommitStatus(owner, repo, sha, input),
    setPullRequestDiff: (owner, repo, number, diff) => store.setPullRequestDiff(owner, repo, number, diff),
    setBranchDiff: (owner, repo, branch, diff, base) => store.setBranchDiff(owner, repo, branch, diff, base),
    getPullRequest: (owner, repo, number) => {
      const pr = store.pull(owner, repo, number);
      return pr ? toFakePullRequest(pr, url) : undefined;
    },
    forceRateLimit: (token, opts) => tokens.force(token, opts.kind ?? 'primary', opts.ms),
    failRepo: (owner, repo, mode, times) => failures.set(owner, repo, mode, times),
    clearFailures: () => failures.clear(),
    setLatency: (ms) => http.setLatency(ms),
    hold: (match) => http.hold(match),
    get pending() {
      return unanswered;
    },
    get requests() {
      return requests;
    },
    // Emptied in place so a reference taken earlier sees the reset too.
    clearRequests: () => {
      requests.length = 0;
    },
    close: () => http.close(),
  };
}

/** `Bearer T` or `token T` (scheme case-insensitive); null for anything else. */
function bearer(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^(?:bearer|token)\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}
