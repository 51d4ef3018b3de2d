import { ProviderError, RateLimitError } from '../errors.js';
import { classifyGitLabFailure, gitLabRateLimitedUntil, gitLabResponseInfo } from './classify.js';
import { nextPage } from './pagination.js';

const NOW = Date.parse('2026-03-01T12:00:30Z');

describe('GitLab rate limits', () => {
  it('only a 429 is a rate limit: until the later of Retry-After and RateLimit-Reset, else a minute', () => {
    const reset = String(NOW / 1000 + 45);
    expect(gitLabRateLimitedUntil(429, { 'retry-after': '30', 'ratelimit-reset': reset }, NOW)).toBe(NOW + 45_000);
    expect(gitLabRateLimitedUntil(429, { 'retry-after': '90' }, NOW)).toBe(NOW + 90_000);
    expect(gitLabRateLimitedUntil(429, {}, NOW)).toBe(NOW + 60_000);
    expect(gitLabRateLimitedUntil(403, { 'retry-after': '30', 'ratelimit-remaining': '0' }, NOW)).toBeNull();
  });

  it('a 429 becomes a RateLimitError (padding added); other statuses name the request, never the token', () => {
    const limited = classifyGitLabFailure(429, { 'retry-after': '10' }, 'Retry later', {
      now: NOW,
      paddingMs: 500,
      what: 'POST /api/graphql',
      secret: 'glpat-x',
    });
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).resetAt.getTime()).toBe(NOW + 10_500);
    const denied = classifyGitLabFailure(403, {}, '{"message":"403 Forbidden glpat-x"}', {
      now: NOW,
      paddingMs: 0,
      what: 'GET /projects/a%2Fb',
      secret: 'glpat-x',
    });
    expect(denied).toBeInstanceOf(ProviderError);
    expect(denied.message).toBe('GitLab GET /projects/a%2Fb answered 403 Forbidden: 403 Forbidden [redacted]');
  });

  it('reads RateLimit-* when sent, and assumes the per-minute allowance when not', () => {
    const reset = NOW / 1000 + 30;
    expect(
      gitLabResponseInfo(
        200,
        { 'ratelimit-remaining': '17', 'ratelimit-reset': String(reset) },
        { now: NOW, assumedPerMinute: 2000 },
      ),
    ).toEqual({ status: 200, remaining: 17, resetAt: new Date(reset * 1000), blockedUntil: null });
    expect(gitLabResponseInfo(200, {}, { now: NOW, assumedPerMinute: 2000 })).toEqual({
      status: 200,
      remaining: 2000,
      resetAt: new Date('2026-03-01T12:01:00Z'),
      blockedUntil: null,
    });
  });
});

describe('GitLab pagination', () => {
  const base = 'https://gitlab.example/api/v4/projects/a%2Fb/merge_requests';
  const query = { source_branch: 'x', per_page: 100 };

  it('follows Link rel=next, else X-Next-Page on the same query; stops on the last page', () => {
    expect(nextPage({ link: `<${base}?page=2>; rel="next", <${base}?page=3>; rel="last"` }, base, query)).toBe(
      `${base}?page=2`,
    );
    expect(nextPage({ 'x-next-page': '3' }, base, query)).toBe(`${base}?source_branch=x&per_page=100&page=3`);
    expect(nextPage({ 'x-next-page': '' }, base, query)).toBeNull();
    expect(nextPage({ link: `<${base}?page=1>; rel="first"` }, base, query)).toBeNull();
  });
});
