import { createGitHubProvider } from '../src/index.js';
import type { GitHubProvider, PullRequestRef } from '../src/index.js';
import { listedPull, pullBody, repositoryBody, reviewBody, startLocalServer } from './local-server.js';
import type { Handler, LocalServer } from './local-server.js';

const TOKEN = 'ghp_localTestToken0123456789';
let server: LocalServer;
let provider: GitHubProvider;

async function setup(handler: Handler): Promise<void> {
  server = await startLocalServer(handler);
  provider = createGitHubProvider({ id: 'github', apiBaseUrl: server.apiBaseUrl });
}

afterEach(async () => {
  await provider?.close();
  await server?.close();
});

function prRef(number = 1): PullRequestRef {
  const ref = provider.parsePullRequestUrl(`${server.origin}/o/r/pull/${number}`);
  if (!ref) throw new Error('fake PR URL did not parse');
  return ref;
}

describe('GitHubProvider over HTTP', () => {
  it('sends the GitHub headers with a Bearer token', async () => {
    await setup(() => ({ body: [listedPull(1)] }));
    await provider.findPullRequests(TOKEN, { webBaseUrl: server.origin, owner: 'o', repo: 'r' }, 'main');
    const headers = server.requests[0]?.headers;
    expect(headers?.accept).toBe('application/vnd.github+json');
    expect(headers?.['x-github-api-version']).toBe('2022-11-28');
    expect(headers?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(headers?.['user-agent']).toMatch(/^gitsync /);
  });

  it('derives web base, origins and PR URLs from an Enterprise-style API URL with a port', async () => {
    await setup(() => ({ body: [] }));
    expect(provider.webBaseUrl).toBe(server.origin);
    expect(provider.matchesOrigin(`${server.origin}/o/r.git`)).toBe(true);
    expect(provider.matchesOrigin('https://github.com/o/r.git')).toBe(false);
    expect(provider.parsePullRequestUrl('https://github.com/o/r/pull/1')).toBeNull();
  });

  it("lists a branch's pull requests in every state, most recently updated first, in one request", async () => {
    await setup(() => ({
      body: [
        listedPull(42, { updated: '2026-01-03T00:00:00Z' }),
        listedPull(41, { state: 'closed', merged: true, sha: 'c'.repeat(40) }),
      ],
    }));
    const repo = provider.parseOrigin(`git@127.0.0.1:o/r.git`);
    expect(repo).not.toBeNull();
    const found = await provider.findPullRequests(TOKEN, repo!, 'feat/deep/branch');
    const base = { webBaseUrl: server.origin, owner: 'o', repo: 'r' };
    expect(found).toEqual([
      {
        ...base,
        number: 42,
        url: `${server.origin}/o/r/pull/42`,
        state: 'open',
        headSha: 'a'.repeat(40),
        updatedAt: new Date('2026-01-03T00:00:00Z'),
      },
      {
        ...base,
        number: 41,
        url: `${server.origin}/o/r/pull/41`,
        state: 'merged',
        headSha: 'c'.repeat(40),
        updatedAt: new Date('2026-01-01T00:00:00Z'),
      },
    ]);
    expect(server.requests).toHaveLength(1);
    const url = new URL(server.requests[0]!.url, server.origin);
    expect(url.pathname).toBe('/repos/o/r/pulls');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      head: 'o:feat/deep/branch',
      state: 'all',
      sort: 'updated',
      direction: 'desc',
      per_page: '100',
    });
  });

  it(
    'looks in the parent of a fork when the fork has no open PR of the branch, ' + 'with the fork owner as head',
    async () => {
      await setup((req) => {
        if (req.url === '/repos/mallory/app')
          return {
            headers: { etag: '"repo-1"' },
            body: repositoryBody('mallory', 'app', { owner: 'acme', name: 'app' }),
          };
        if (req.url.startsWith('/repos/acme/app/pulls')) return { body: [listedPull(7)] };
        return { body: [] };
      });
      const fork = { webBaseUrl: server.origin, owner: 'mallory', repo: 'app' };
      const found = await provider.findPullRequests(TOKEN, fork, 'fix');
      expect(found.map((pr) => pr.url)).toEqual([`${server.origin}/acme/app/pull/7`]);
      expect(server.requests.map((r) => decodeURIComponent(r.url.replace(/&state.*$/, '')))).toEqual([
        '/repos/mallory/app/pulls?head=mallory:fix',
        '/repos/mallory/app',
        '/repos/acme/app/pulls?head=mallory:fix',
      ]);
    },
  );

  it('keeps what it learnt of a repository: no lookup while fresh, then a conditional one', async () => {
    let now = Date.parse('2026-03-01T00:00:00Z');
    server = await startLocalServer((req) => {
      if (req.url === '/repos/o/r') {
        return req.headers['if-none-match'] === '"repo-1"'
          ? { status: 304 }
          : { headers: { etag: '"repo-1"' }, body: repositoryBody('o', 'r') };
      }
      return { body: [] };
    });
    provider = createGitHubProvider({
      id: 'github',
      apiBaseUrl: server.apiBaseUrl,
      now: () => now,
      repositoryTtlMs: 60_000,
    });
    const repo = { webBaseUrl: server.origin, owner: 'o', repo: 'r' };
    const lookups = () =>
      server.requests.filter((r) => r.url === '/repos/o/r').map((r) => r.headers['if-none-match'] ?? null);
    expect(await provider.findPullRequests(TOKEN, repo, 'x')).toEqual([]);
    expect(await provider.findPullRequests(TOKEN, repo, 'y')).toEqual([]);
    expect(lookups()).toEqual([null]);
    now += 61_000;
    await provider.findPullRequests(TOKEN, repo, 'z');
    expect(lookups()).toEqual([null, '"repo-1"']);
  });

  it('maps a merged PR with a 100 KB title and aggregates its reviews', async () => {
    const title = 'T'.repeat(100_000);
    await setup((req) =>
      req.url.startsWith('/repos/o/r/pulls/7/reviews')
        ? {
            headers: { etag: '"reviews-1"' },
            body: [reviewBody(1, 'alice', 'CHANGES_REQUESTED'), reviewBody(2, 'Alice', 'APPROVED')],
          }
        : {
            headers: { etag: 'W/"pull-1"' },
            body: pullBody({ number: 7, state: 'closed', merged: true, title, draft: true, user: null }),
          },
    );
    const status = await provider.fetchPullRequestStatus(TOKEN, prRef(7), {});
    expect(status.pull).toEqual({
      changed: true,
      etag: 'W/"pull-1"',
      value: {
        url: `${server.origin}/o/r/pull/7`,
        number: 7,
        state: 'merged',
        title,
        draft: true,
        additions: 12,
        deletions: 3,
        changedFiles: 2,
        commits: 5,
        headBranch: 'feat/x',
        headSha: 'a'.repeat(40),
        baseBranch: 'main',
        authorLogin: null,
        authorAvatarUrl: null,
        mergeable: null,
        mergeableState: null,
        requestedReviewerCount: 0,
        labels: [],
      },
    });
    expect(status.reviews).toEqual({
      changed: true,
      etag: '"reviews-1"',
      value: { approved: true, changesRequested: false, reviewerCount: 1 },
    });
    expect(server.requests.map((r) => r.url).sort()).toEqual([
      `/repos/o/r/commits/${'a'.repeat(40)}/check-runs?per_page=100`,
      `/repos/o/r/commits/${'a'.repeat(40)}/status?per_page=100`,
      '/repos/o/r/pulls/7',
      '/repos/o/r/pulls/7/reviews?per_page=100',
    ]);
  });

  it('follows review pages through Link rel="next" and keeps no reviews ETag', async () => {
    await setup((req) => {
      if (!req.url.includes('/reviews')) return { body: pullBody() };
      const page = Number(new URL(req.url, server.origin).searchParams.get('page') ?? '1');
      const next = `<${server.apiBaseUrl}/repos/o/r/pulls/1/reviews?per_page=100&page=${page + 1}>; rel="next"`;
      const pages: Record<number, unknown[]> = {
        1: [reviewBody(1, 'alice', 'APPROVED'), reviewBody(2, 'bob', 'COMMENTED')],
        2: [reviewBody(3, 'bob', 'CHANGES_REQUESTED')],
        3: [reviewBody(4, 'carol', 'DISMISSED'), reviewBody(5, 'bob', 'APPROVED')],
      };
      return { headers: { etag: `"p${page}"`, ...(page < 3 ? { link: next } : {}) }, body: pages[page] ?? [] };
    });
    const status = await provider.fetchPullRequestStatus(TOKEN, prRef(), { reviews: '"old"' });
    expect(status.reviews).toEqual({
      changed: true,
      etag: null,
      value: { approved: true, changesRequested: false, reviewerCount: 3 },
    });
    const reviewRequests = server.requests.filter((r) => r.url.includes('/reviews'));
    expect(reviewRequests.map((r) => r.url)).toEqual([
      '/repos/o/r/pulls/1/reviews?per_page=100',
      '/repos/o/r/pulls/1/reviews?per_page=100&page=2',
      '/repos/o/r/pulls/1/reviews?per_page=100&page=3',
    ]);
    // The validator belongs to page 1 only.
    expect(reviewRequests.map((r) => r.headers['if-none-match'])).toEqual(['"old"', undefined, undefined]);
    expect(reviewRequests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('sends If-None-Match and reports 304 as unchanged', async () => {
    await setup((req) => {
      const etag = req.url.includes('/reviews') ? '"r"' : '"p"';
      return req.headers['if-none-match'] === etag
        ? { status: 304, headers: { etag } }
        : { headers: { etag }, body: req.url.includes('/reviews') ? [] : pullBody() };
    });
    const first = await provider.fetchPullRequestStatus(TOKEN, prRef(), {});
    expect(first.pull).toMatchObject({ changed: true, etag: '"p"' });
    expect(first.reviews).toMatchObject({ changed: true, etag: '"r"' });

    const second = await provider.fetchPullRequestStatus(TOKEN, prRef(), { pull: '"p"', reviews: '"r"' });
    // No stored head to read the checks of: they stay as they are.
    expect(second).toEqual({
      pull: { changed: false },
      reviews: { changed: false },
      checkRuns: { changed: false },
      statuses: { changed: false },
    });

    const third = await provider.fetchPullRequestStatus(TOKEN, prRef(), { pull: '"p"', reviews: '"stale"' });
    expect(third.pull).toEqual({ changed: false });
    expect(third.reviews).toMatchObject({ changed: true, etag: '"r"' });
  });

  it('works with a caller-supplied fetch too', async () => {
    server = await startLocalServer((req) => ({ body: req.url.includes('/reviews') ? [] : pullBody() }));
    provider = createGitHubProvider({ id: 'github', apiBaseUrl: server.apiBaseUrl, fetch: globalThis.fetch });
    const status = await provider.fetchPullRequestStatus(TOKEN, prRef(), {});
    expect(status.pull).toMatchObject({ changed: true, value: { number: 1, state: 'open' } });
  });

  it("never makes one token's requests wait for another's: 20 tokens have 20 requests in flight at once", async () => {
    const waiting: Array<(reply: { status: number; body: unknown }) => void> = [];
    // Answer everyone only once all 20 are in flight. A throttling lane shared by all tokens (the plugin's
    // default: 10 slots) never gets there: at the deadline (a deadline, not a speed: 20 local requests need
    // far less) the waiting requests get a 503 and the test fails instead of hanging.
    const giveUp = setTimeout(
      () => waiting.forEach((reply) => reply({ status: 503, body: { message: `only ${waiting.length} in flight` } })),
      20_000,
    );
    await setup(
      () =>
        new Promise((resolve) => {
          waiting.push(resolve);
          if (waiting.length === 20) {
            clearTimeout(giveUp);
            waiting.forEach((reply) => reply({ status: 200, body: [listedPull(1)] }));
          }
        }),
    );
    const repo = { webBaseUrl: server.origin, owner: 'o', repo: 'r' };
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => provider.findPullRequests(`${TOKEN}-${i}`, repo, 'b')),
    );
    expect(results.map((found) => found.map((pr) => pr.number))).toEqual(Array(20).fill([1]));
  });

  it('leaves the bound per token to our pacer: one token has 25 requests in flight (plugin alone: 10)', async () => {
    const waiting: Array<(reply: { status: number; body: unknown }) => void> = [];
    const giveUp = setTimeout(
      () => waiting.forEach((reply) => reply({ status: 503, body: { message: `only ${waiting.length} in flight` } })),
      3000,
    );
    await setup(
      () =>
        new Promise((resolve) => {
          waiting.push(resolve);
          if (waiting.length === 25) {
            clearTimeout(giveUp);
            waiting.forEach((reply) => reply({ status: 200, body: [listedPull(1)] }));
          }
        }),
    );
    const repo = { webBaseUrl: server.origin, owner: 'o', repo: 'r' };
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => provider.findPullRequests(TOKEN, repo, `b${i}`)),
    );
    expect(results.map((found) => found.map((pr) => pr.number))).toEqual(Array(25).fill([1]));
  });
});
