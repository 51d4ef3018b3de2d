import { Octokit } from '@octokit/core';
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling';
import { classifyError } from './classify.js';
import { ProviderError, RateLimitError } from './errors.js';
import { parseJsonBody } from './parse-response.js';
import { PassThroughLimiter } from './throttle-lanes.js';
import type { RequestPacer, ResponseInfo } from './types.js';
import { bodyText } from './undici-fetch.js';
import { responseInfo } from './github-rate-headers.js';

const ThrottledOctokit = Octokit.plugin(throttling);
type Client = InstanceType<typeof ThrottledOctokit>;

/**
 * plugin-throttling's lanes (its `global` group, which it keys by `throttle.id`): pass-through, so that a
 * request the pacer let through is never queued or delayed again here (throttle-lanes.ts says why not
 * Bottleneck). The pacer already holds each rate-limit group to GITSYNC_GROUP_CONCURRENCY per process and
 * GITSYNC_GROUP_MAX_IN_FLIGHT across replicas; the plugin's default lane (10 per `throttle.id`) would
 * funnel every token of the provider through 10 slots.
 */
const lanes = new PassThroughLimiter();

const silentLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export interface GitHubClientOptions {
  providerId: string;
  /** Without trailing slash. */
  apiBaseUrl: string;
  fetch: typeof fetch;
  userAgent: string;
  paddingMs: number;
  now: () => number;
}

export interface GetRequest {
  /** API path below the base URL, e.g. `/repos/o/r/pulls/1`, or an absolute URL on the API origin. */
  path: string;
  query?: Readonly<Record<string, string | number>>;
  ifNoneMatch?: string | null;
}

export type GetResult =
  | { notModified: true }
  | { notModified: false; status: number; etag: string | null; link: string | undefined; data: unknown };

/**
 * GET-only GitHub access through @octokit/core + plugin-throttling: one octokit for every token of the
 * provider, which holds no token (the Authorization header is added per request).
 *
 * Both limit handlers return false: rate limits are tracked across replicas by the caller, so the plugin
 * must never sleep and retry inside a job; the 403/429 comes back to us and is classified.
 */
export class GitHubClient {
  private readonly octokit: Client;
  private readonly apiOrigin: string;

  constructor(private readonly options: GitHubClientOptions) {
    this.apiOrigin = new URL(options.apiBaseUrl).origin;
    this.octokit = new ThrottledOctokit({
      baseUrl: options.apiBaseUrl,
      userAgent: options.userAgent,
      log: silentLog,
      // Bodies are parsed by us with JSON.parse: octokit's BigInt-safe parser is ~9× slower.
      request: { fetch: options.fetch, parseSuccessResponseBody: false },
      // `global` and `retryLimiter` are read by the plugin (its state takes every throttle option) but
      // are not in its types.
      throttle: {
        id: `gitsync:${options.providerId}`,
        global: lanes,
        // The client's own: the plugin adds its retry handler, bound to this octokit, to it.
        retryLimiter: new PassThroughLimiter(),
        onRateLimit: () => false,
        onSecondaryRateLimit: () => false,
      } as ThrottlingOptions,
    });
  }

  /** Refuses pagination links that leave the API origin: the token must not travel elsewhere. */
  private target(path: string): string {
    if (!/^https?:\/\//i.test(path)) return path;
    const url = new URL(path);
    if (url.origin !== this.apiOrigin || !url.href.startsWith(this.options.apiBaseUrl)) {
      throw new ProviderError(`GitHub pagination link leaves the API base URL: ${url.origin}${url.pathname}`, {
        kind: 'refused',
      });
    }
    return url.href;
  }

  async get(token: string, request: GetRequest, pacer?: RequestPacer): Promise<GetResult> {
    const report = pacer ? await pacer.acquire() : null;
    let info: ResponseInfo = NO_ANSWER;
    try {
      return await this.send(token, request, (status, headers) => (info = responseInfo(status, headers)));
    } catch (err) {
      // The pacer shares the block with every replica when it frees this request's slot.
      if (err instanceof RateLimitError)
        info = {
          ...info,
          blockedUntil: err.resetAt,
          blockedBy: err.source.kind === 'provider' ? err.source.limit : null,
        };
      throw err;
    } finally {
      report?.(info);
    }
  }

  private async send(
    token: string,
    request: GetRequest,
    answered: (status: number, headers: Record<string, string | number | undefined>) => void,
  ): Promise<GetResult> {
    const what = `GET ${request.path.replace(/^https?:\/\/[^/]+/i, '')}`;
    let response: Awaited<ReturnType<Client['request']>>;
    try {
      response = await this.octokit.request({
        method: 'GET',
        url: this.target(request.path),
        ...request.query,
        // Sent per request: @octokit/core's constructor has no option for default headers.
        headers: {
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
          authorization: `Bearer ${token}`,
          ...(request.ifNoneMatch ? { 'if-none-match': request.ifNoneMatch } : {}),
        },
      });
    } catch (error) {
      const failed = error as {
        status?: unknown;
        response?: { headers?: Record<string, string | number | undefined> };
      } | null;
      const status = failed?.status;
      if (typeof status === 'number') answered(status, failed?.response?.headers ?? {});
      if (status === 304 && request.ifNoneMatch) return { notModified: true };
      throw classifyError(error, { now: this.options.now(), paddingMs: this.options.paddingMs, what, secret: token });
    }
    answered(response.status, response.headers);
    if (response.status !== 200) {
      throw new ProviderError(`GitHub ${what} answered unexpected status ${response.status}`, {
        kind: 'malformed',
        status: response.status,
      });
    }
    const text = await bodyText(response.data);
    return {
      notModified: false,
      status: response.status,
      etag: response.headers.etag ?? null,
      link: response.headers.link,
      data: parseJsonBody(text, { what, status: response.status }),
    };
  }
}

const NO_ANSWER: ResponseInfo = { status: null, remaining: null, resetAt: null, blockedUntil: null };
