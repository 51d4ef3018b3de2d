// Bottleneck's light build has no types of its own; workspaces that compile this file (webhooks, api)
// see the declaration only through this reference.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./bottleneck-light.d.ts" />
import { Octokit } from '@octokit/core';
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck/light.js';
import { classifyError } from './classify.js';
import { ProviderError, RateLimitError } from './errors.js';
import { parseJsonBody } from './parse-response.js';
import { TokenCache } from './token-cache.js';
import type { RequestPacer, ResponseInfo } from './types.js';
import { bodyText } from './undici-fetch.js';
import { responseInfo } from './github-rate-headers.js';

const ThrottledOctokit = Octokit.plugin(throttling);
type Client = InstanceType<typeof ThrottledOctokit>;

/**
 * plugin-throttling's per-token lanes (its \`global\` group, keyed by \`throttle.id\`), set to do the least
 * work consistent with our pacer (packages/rate-limits): no bound of their own (\`maxConcurrent: null\`), so
 * a request that the pacer let through is never queued again here — the pacer already holds each group to
 * GITSYNC_GROUP_CONCURRENCY per process and GITSYNC_GROUP_MAX_IN_FLIGHT across replicas, and the plugin's
 * default of 10 would silently cap any higher setting. With both limit handlers returning false, the
 * plugin never sleeps or retries either: what is left of it per request is two pass-through schedules.
 * Idle keys expire after 2 minutes, as the plugin's own.
 */
const lanes = new Bottleneck.Group({ maxConcurrent: null, timeout: 2 * 60_000 });

const silentLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export interface GitHubClientOptions {
  providerId: string;
  /** Without trailing slash. */
  apiBaseUrl: string;
  fetch: typeof fetch;
  userAgent: string;
  paddingMs: number;
  now: () => number;
  /** @defaultValue 1000 */
  maxCachedTokens?: number;
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
 * GET-only GitHub access through @octokit/core + plugin-throttling, one octokit per token.
 *
 * Why one per token: the throttling plugin keeps its Bottleneck groups at module level and keys them by
 * `throttle.id`, with `maxConcurrent: 10` per key. A single octokit (or many sharing the default id)
 * would therefore funnel every token of the process through 10 slots. Giving each token its own client
 * with `id` = provider + token hash gives each rate-limit group (provider, token) its own 10 in flight,
 * which is what §3.5 asks for, and lets groups never slow one another (test/github-provider.test.ts
 * proves 20 tokens get 20 requests in flight; with a shared id it deadlocks at 10). The clients live in an
 * LRU keyed by the token's sha256, never by the token itself, and hold no token: the Authorization header
 * is added per request. Idle Bottleneck keys expire on their own (2 min).
 *
 * Both limit handlers return false: rate limits are tracked across replicas by the caller, so the plugin
 * must never sleep and retry inside a job; the 403/429 comes back to us and is classified.
 */
export class GitHubClient {
  private readonly clients: TokenCache<Client>;
  private readonly apiOrigin: string;

  constructor(private readonly options: GitHubClientOptions) {
    this.clients = new TokenCache(options.maxCachedTokens ?? 1000);
    this.apiOrigin = new URL(options.apiBaseUrl).origin;
  }

  private client(token: string): Client {
    return this.clients.get(token, (key) => {
      return new ThrottledOctokit({
        baseUrl: this.options.apiBaseUrl,
        userAgent: this.options.userAgent,
        log: silentLog,
        // Bodies are parsed by us with JSON.parse: octokit's BigInt-safe parser is ~9× slower.
        request: { fetch: this.options.fetch, parseSuccessResponseBody: false },
        // `global` is read by the plugin (its state takes every throttle option) but not in its types.
        throttle: {
          id: `gitsync:${this.options.providerId}:${key.slice(0, 32)}`,
          global: lanes,
          onRateLimit: () => false,
          onSecondaryRateLimit: () => false,
        } as ThrottlingOptions,
      });
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
      response = await this.client(token).request({
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
