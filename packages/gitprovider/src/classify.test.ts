import { classifyError, classifyHttpFailure, rateLimitedUntil } from './classify.js';
import { ProviderError, RateLimitError } from './errors.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const PADDING = 5_000;
const options = { now: NOW, paddingMs: PADDING, what: 'GET /repos/o/r/pulls/1' };

describe('classifyHttpFailure', () => {
  it('403 + x-ratelimit-remaining 0 + reset → rate limited until reset + padding', () => {
    const reset = NOW / 1000 + 600;
    const error = classifyHttpFailure(
      403,
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      'API rate limit exceeded',
      options,
    );
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).resetAt.getTime()).toBe(reset * 1000 + PADDING);
    expect((error as RateLimitError).source).toEqual({ kind: 'provider', status: 403, limit: 'primary' });
  });

  it('403 + reset header alone → rate limited until reset + padding', () => {
    const reset = NOW / 1000 + 60;
    const error = classifyHttpFailure(403, { 'x-ratelimit-reset': reset }, undefined, options);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).resetAt.getTime()).toBe(reset * 1000 + PADDING);
  });

  it('429 + retry-after: 120 → now + 120 s + padding', () => {
    const error = classifyHttpFailure(429, { 'retry-after': '120' }, undefined, options);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).resetAt.getTime()).toBe(NOW + 120_000 + PADDING);
    expect((error as RateLimitError).source).toEqual({ kind: 'provider', status: 429, limit: 'secondary' });
  });

  it('403 + retry-after (secondary limit) → rate limited', () => {
    const error = classifyHttpFailure(
      403,
      { 'retry-after': '30', 'x-ratelimit-remaining': '4000' },
      undefined,
      options,
    );
    expect((error as RateLimitError).resetAt.getTime()).toBe(NOW + 30_000 + PADDING);
    expect((error as RateLimitError).source).toEqual({ kind: 'provider', status: 403, limit: 'secondary' });
  });

  it("403 with GitHub's secondary-limit message and quota left → a secondary limit of a minute", () => {
    const headers = { 'x-ratelimit-remaining': '4000', 'x-ratelimit-reset': String(NOW / 1000 + 3000) };
    const message = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
    const error = classifyHttpFailure(403, headers, message, options);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).resetAt.getTime()).toBe(NOW + 60_000 + PADDING);
    expect((error as RateLimitError).source).toEqual({ kind: 'provider', status: 403, limit: 'secondary' });
    // The message alone, no rate-limit headers at all: the same.
    const bare = classifyHttpFailure(403, {}, message, options) as RateLimitError;
    expect(bare.resetAt.getTime()).toBe(NOW + 60_000 + PADDING);
  });

  it('takes the later of retry-after and the reset time', () => {
    const reset = NOW / 1000 + 300;
    const error = classifyHttpFailure(
      429,
      { 'retry-after': '60', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      undefined,
      options,
    );
    expect((error as RateLimitError).resetAt.getTime()).toBe(reset * 1000 + PADDING);
  });

  it('a reset in the past still waits for the padding', () => {
    const error = classifyHttpFailure(
      403,
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 - 100) },
      undefined,
      options,
    );
    expect((error as RateLimitError).resetAt.getTime()).toBe(NOW + PADDING);
  });

  it('403 without those headers → ordinary error naming 403', () => {
    const error = classifyHttpFailure(403, {}, 'Resource not accessible by integration', options);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).not.toBeInstanceOf(RateLimitError);
    expect(error.message).toContain('403');
    expect(error.message).toContain('Resource not accessible by integration');
    expect((error as ProviderError).status).toBe(403);
    expect((error as ProviderError).transient).toBe(false);
  });

  it('a permission 403 with quota left is not a rate limit, even with a reset header', () => {
    const headers = { 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': String(NOW / 1000 + 60) };
    expect(classifyHttpFailure(403, headers, undefined, options)).not.toBeInstanceOf(RateLimitError);
  });

  it('429 without hints → waits GitHub’s advised minute', () => {
    const error = classifyHttpFailure(429, {}, undefined, options);
    expect((error as RateLimitError).resetAt.getTime()).toBe(NOW + 60_000 + PADDING);
  });

  it.each([
    [401, false],
    [404, false],
    [422, false],
    [500, true],
    [502, true],
    [503, true],
  ])('%i → ProviderError (transient: %s)', (status, transient) => {
    const error = classifyHttpFailure(status, { 'retry-after': '5' }, undefined, options);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).status).toBe(status);
    expect((error as ProviderError).transient).toBe(transient);
    expect(error.message).toContain(String(status));
  });

  it('scrubs the secret from a detail that echoes it', () => {
    const error = classifyHttpFailure(401, {}, 'bad token ghp_abc', { ...options, secret: 'ghp_abc' });
    expect(error.message).not.toContain('ghp_abc');
  });
});

describe('rateLimitedUntil', () => {
  it('ignores other statuses', () => {
    expect(rateLimitedUntil(500, { 'retry-after': '10' }, NOW)).toBeNull();
  });
  it('accepts an HTTP-date retry-after', () => {
    expect(rateLimitedUntil(429, { 'retry-after': new Date(NOW + 90_000).toUTCString() }, NOW)).toBe(NOW + 90_000);
  });
});

describe('classifyError', () => {
  it('classifies an octokit-style error by its response', () => {
    const error = {
      status: 404,
      message: 'Not Found',
      response: { status: 404, headers: {}, data: { message: 'Not Found' } },
    };
    const classified = classifyError(error, options);
    expect(classified).toBeInstanceOf(ProviderError);
    expect((classified as ProviderError).status).toBe(404);
    expect(classified.message).toBe('GitHub GET /repos/o/r/pulls/1 answered 404 Not Found: Not Found');
  });

  it('a failure without a response is a transient network error', () => {
    const classified = classifyError(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { status: 500 }),
      options,
    );
    expect(classified).toBeInstanceOf(ProviderError);
    expect((classified as ProviderError).kind).toBe('network');
    expect((classified as ProviderError).status).toBeNull();
    expect((classified as ProviderError).transient).toBe(true);
    expect(classified.message).toContain('ECONNREFUSED');
  });

  it('passes our own errors through', () => {
    const own = new ProviderError('x', { kind: 'http', status: 418 });
    expect(classifyError(own, options)).toBe(own);
  });
});
