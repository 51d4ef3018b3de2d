import { inspect } from 'node:util';
import { createGitHubProvider, ProviderError, RateLimitError } from '../src/index.js';
import type { GitHubProvider, GitHubProviderOptions, PullRequestRef } from '../src/index.js';
import { pullBody, startLocalServer } from './local-server.js';
import type { Handler, LocalServer } from './local-server.js';

const TOKEN = 'ghp_secretTokenThatMustNotLeak42';
const NOW = Date.parse('2026-03-01T12:00:00Z');
const PADDING = 5_000;
const servers: LocalServer[] = [];
const providers: GitHubProvider[] = [];

async function setup(
  handler: Handler,
  options: Partial<GitHubProviderOptions> = {},
): Promise<{ server: LocalServer; provider: GitHubProvider; pr: PullRequestRef }> {
  const server = await startLocalServer(handler);
  const provider = createGitHubProvider({
    id: 'github',
    apiBaseUrl: server.apiBaseUrl,
    now: () => NOW,
    rateLimitPaddingMs: PADDING,
    ...options,
  });
  servers.push(server);
  providers.push(provider);
  const pr = provider.parsePullRequestUrl(`${server.origin}/o/r/pull/1`);
  if (!pr) throw new Error('fake PR URL did not parse');
  return { server, provider, pr };
}

afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error(`expected a rejection, got ${inspect(error)}`);
  // Whatever the error is, the token appears nowhere in it: message, stack, or any property.
  expect(inspect(error, { depth: 20, showHidden: true })).not.toContain(TOKEN);
  expect(JSON.stringify({ ...error, message: error.message })).not.toContain(TOKEN);
  return error;
}

describe('GitHubProvider errors over HTTP', () => {
  it('429 + retry-after: 120 → RateLimitError until now + 120 s + padding, without retrying', async () => {
    const { server, provider, pr } = await setup(() => ({
      status: 429,
      headers: { 'retry-after': '120' },
      body: { message: 'slow down' },
    }));
    const error = await failure(provider.fetchPullRequestStatus(TOKEN, pr, {}));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).resetAt.getTime()).toBe(NOW + 120_000 + PADDING);
    expect(server.requests).toHaveLength(2); // pull + reviews, once each
  });

  it('403 + x-ratelimit-remaining: 0 + reset → RateLimitError until reset + padding', async () => {
    const reset = NOW / 1000 + 900;
    const { server, provider } = await setup(() => ({
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: { message: 'API rate limit exceeded for user ID 1.' },
    }));
    const error = await failure(
      provider.findPullRequests(TOKEN, { webBaseUrl: server.origin, owner: 'o', repo: 'r' }, 'b'),
    );
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).resetAt.getTime()).toBe(reset * 1000 + PADDING);
    expect(server.requests).toHaveLength(1);
  });

  it('a rate limit on one half of a status fetch wins over the other half’s error', async () => {
    const { provider, pr } = await setup((req) =>
      req.url.includes('/reviews')
        ? { status: 429, headers: { 'retry-after': '7' } }
        : { status: 500, body: { message: 'boom' } },
    );
    expect(await failure(provider.fetchPullRequestStatus(TOKEN, pr, {}))).toBeInstanceOf(RateLimitError);
  });

  it('403 without rate-limit headers → ProviderError naming 403', async () => {
    const { provider, pr } = await setup(() => ({
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    }));
    const error = await failure(provider.fetchPullRequestStatus(TOKEN, pr, {}));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).not.toBeInstanceOf(RateLimitError);
    expect((error as ProviderError).status).toBe(403);
    expect(error.message).toMatch(/\b403\b/);
    expect(error.message).toContain('Resource not accessible by integration');
  });

  it.each([
    [401, false],
    [404, false],
    [500, true],
    [503, true],
  ])('%i → ProviderError with that status (transient: %s)', async (status, transient) => {
    const { provider, pr } = await setup(() => ({ status, body: { message: `failure ${status}` } }));
    const error = await failure(provider.fetchPullRequestStatus(TOKEN, pr, {}));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).status).toBe(status);
    expect((error as ProviderError).transient).toBe(transient);
  });

  it('never repeats the token, even when the server echoes it', async () => {
    const { provider, pr } = await setup((req) => ({
      status: 401,
      body: { message: `Bad credentials: ${req.headers.authorization}` },
    }));
    const error = await failure(provider.fetchPullRequestStatus(TOKEN, pr, {}));
    expect(error.message).toContain('[redacted]');
  });

  it('a 200 with a body that is not JSON → ProviderError saying invalid JSON', async () => {
    const { provider, pr } = await setup(() => ({ body: '<html>unicorn</html>' }));
    const error = await failure(provider.fetchPullRequestStatus(TOKEN, pr, {}));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toContain('invalid JSON');
    expect((error as ProviderError).kind).toBe('malformed');
    expect((error as ProviderError).status).toBe(200);
  });

  it('a 200 whose JSON misses a required field → ProviderError naming the field', async () => {
    const { provider, pr } = await setup((req) => ({
      body: req.url.includes('/reviews') ? [] : pullBody({ state: undefined }),
    }));
    const error = await failure(provider.fetchPullRequestStatus(TOKEN, pr, {}));
    expect(error.message).toContain('"state"');
  });

  it("a rate limit met on the head's checks keeps the PR and reviews read, and the stored checks", async () => {
    const reset = Math.ceil(Date.now() / 1000) + 60;
    const { provider, pr } = await setup((req) =>
      req.url.includes('/commits/')
        ? { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, body: {} }
        : { body: req.url.includes('/reviews') ? [] : pullBody() },
    );
    const status = await provider.fetchPullRequestStatus(TOKEN, pr, {});
    expect(status.pull).toMatchObject({ changed: true, value: { number: 1 } });
    expect(status.reviews).toMatchObject({ changed: true });
    expect(status.checkRuns).toEqual({ changed: false });
    expect(status.statuses).toEqual({ changed: false });
  });

  it('a rate limit on the PR itself still fails the whole status', async () => {
    const reset = Math.ceil(Date.now() / 1000) + 60;
    const { provider, pr } = await setup((req) =>
      req.url.includes('/reviews')
        ? { body: [] }
        : { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, body: {} },
    );
    expect(await failure(provider.fetchPullRequestStatus(TOKEN, pr, {}))).toBeInstanceOf(RateLimitError);
  });

  it('a 200 with no content type is still parsed', async () => {
    const { provider, pr } = await setup((req) => ({
      headers: { 'content-type': '' },
      body: req.url.includes('/reviews') ? [] : pullBody(),
    }));
    const status = await provider.fetchPullRequestStatus(TOKEN, pr, {});
    expect(status.pull).toMatchObject({ changed: true, value: { number: 1 } });
  });

  it('times out a request that never answers → transient ProviderError', async () => {
    const { provider, pr } = await setup(() => 'hang', { requestTimeoutMs: 200 });
    const error = await failure(provider.fetchPullRequestStatus(TOKEN, pr, {}));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).transient).toBe(true);
    expect(error.message).toContain('timed out after 200 ms');
  });

  it('a refused connection → transient ProviderError', async () => {
    const { server, provider, pr } = await setup(() => ({ body: [] }));
    await server.close();
    const error = await failure(provider.fetchPullRequestStatus(TOKEN, pr, {}));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe('network');
    expect((error as ProviderError).transient).toBe(true);
  });

  it('does not follow a pagination link to another host with the token', async () => {
    const elsewhere = await startLocalServer(() => ({ body: [] }));
    servers.push(elsewhere);
    const { provider, pr } = await setup((req) =>
      req.url.includes('/reviews')
        ? { headers: { link: `<${elsewhere.apiBaseUrl}/steal?page=2>; rel="next"` }, body: [] }
        : { body: pullBody() },
    );
    const error = await failure(provider.fetchPullRequestStatus(TOKEN, pr, {}));
    expect(error.message).toContain('pagination link leaves the API base URL');
    // Refused, not failed: retrying would only refuse again.
    expect(error).toMatchObject({ kind: 'refused', transient: false });
    expect(elsewhere.requests).toHaveLength(0);
  });
});
