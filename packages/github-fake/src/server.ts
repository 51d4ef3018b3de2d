import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { error, send } from './answer.js';
import type { Answer } from './answer.js';
import { answerApi } from './api.js';
import type { ApiContext } from './api.js';
import { Failures } from './failures.js';
import { answerOAuth } from './oauth.js';
import { ShapeCache } from './shapes.js';
import { Store, toFakeCheckRun, toFakePullRequest } from './store.js';
import { Tokens } from './tokens.js';
import { Holds } from './holds.js';
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
  const timers = new Map<NodeJS.Timeout, () => void>();
  const holds = new Holds();
  let counter = 0;
  let unanswered = 0;
  let latencyMs = Math.max(0, options.latencyMs ?? 0);
  let closed = false;
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
      if (!closed) await holds.pass({ method: req.method ?? 'GET', path: url, token });
      if (latencyMs > 0 && !closed) await delay(latencyMs);
      if (closed) return;
      let result: Answer;
      try {
        result = await answer(req, url, token);
      } catch (err) {
        result = error(500, `fake GitHub failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (closed || res.destroyed) return;
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

  // Timers rather than a busy wait; tracked so close() ends them instead of leaving them holding the process open.
  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.set(timer, resolve);
    });
  }

  const server = createServer((req, res) => void handle(req, res));
  // Benchmarks hammer the fake over keep-alive; do not let idle sockets expire mid-run.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${urlHost(address.address)}:${address.port}`;
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
    setLatency: (ms) => {
      latencyMs = Math.max(0, ms);
    },
    hold: (match) => holds.add(match),
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
    close: async () => {
      if (closed) return;
      closed = true;
      for (const [timer, resume] of timers) {
        clearTimeout(timer);
        resume();
      }
      timers.clear();
      // Held requests go on to find the fake closed, and end unanswered with their sockets.
      holds.releaseAll();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await done;
    },
  };
}

/** `Bearer T` or `token T` (scheme case-insensitive); null for anything else. */
function bearer(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^(?:bearer|token)\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** A URL host for the bound address; wildcard binds are reached over loopback. */
function urlHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
}
