import { request } from 'undici';
import type { Dispatcher } from 'undici';
import { toStoredText } from '@gitsync/stored-text';
import type { HeaderMap } from '../classify.js';
import { scrub } from '../classify.js';
import { ProviderError, RateLimitError } from '../errors.js';
import type { RequestPacer, ResponseInfo } from '../types.js';
import { classifyGitLabFailure, gitLabResponseInfo } from './classify.js';

export interface GitLabClientOptions {
  /** REST base without trailing slash, e.g. `https://gitlab.com/api/v4`. */
  apiBaseUrl: string;
  /** e.g. `https://gitlab.com/api/graphql`. */
  graphqlUrl: string;
  dispatcher: Dispatcher;
  timeoutMs: number;
  paddingMs: number;
  userAgent: string;
  assumedPerMinute: number;
  now: () => number;
}

export interface RestRequest {
  /** Below the REST base (`/projects/…`), or an absolute URL under it (a pagination link). */
  path: string;
  query?: Readonly<Record<string, string | number>>;
  ifNoneMatch?: string | null;
}

export type RestResult =
  | { notModified: true }
  | { notModified: false; status: number; etag: string | null; headers: HeaderMap; data: unknown };

interface Answer {
  status: number;
  headers: HeaderMap;
  text: string;
}

const NO_ANSWER: ResponseInfo = { status: null, remaining: null, resetAt: null, blockedUntil: null };

/**
 * GitLab's REST and GraphQL APIs over one keep-alive undici pool. Every exchange waits for the
 * group's pacer and reports what the answer said of the budget (a rate limit travels with the
 * freed slot, so every replica stops). Hand-written rather than @gitbeaker/rest: that client has
 * no GraphQL (one GraphQL query is a whole refresh here), sends through the global fetch, and
 * paces and retries 429s in its own process — the pacer shares that across replicas instead.
 */
export class GitLabClient {
  private readonly apiOrigin: string;

  constructor(private readonly options: GitLabClientOptions) {
    this.apiOrigin = new URL(options.apiBaseUrl).origin;
  }

  /** A REST GET; a 304 to `ifNoneMatch` comes back as `notModified`. */
  async get(token: string, req: RestRequest, pacer?: RequestPacer): Promise<RestResult> {
    const url = this.restUrl(req);
    const what = `GET ${url.slice(this.apiOrigin.length)}`;
    const headers: Record<string, string> = req.ifNoneMatch ? { 'if-none-match': req.ifNoneMatch } : {};
    const answer = await this.exchange(
      token,
      { method: 'GET', url, headers, what, conditional: !!req.ifNoneMatch },
      pacer,
    );
    if (answer === null) return { notModified: true };
    const etag = answer.headers.etag;
    return {
      notModified: false,
      status: answer.status,
      etag: etag === undefined ? null : String(etag),
      headers: answer.headers,
      data: parseJson(answer, what),
    };
  }

  /** A GraphQL query (POST); its `data`, or the first of its `errors` as a ProviderError. */
  async graphql(token: string, query: string, variables: object, pacer?: RequestPacer): Promise<unknown> {
    const what = `POST ${this.options.graphqlUrl.slice(new URL(this.options.graphqlUrl).origin.length)}`;
    const answer = await this.exchange(
      token,
      {
        method: 'POST',
        url: this.options.graphqlUrl,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
        what,
        conditional: false,
      },
      pacer,
    );
    const body = parseJson(answer!, what);
    const { data, errors } = (typeof body === 'object' && body !== null ? body : {}) as {
      data?: unknown;
      errors?: Array<{ message?: unknown }>;
    };
    if (data === undefined || data === null) {
      const first = Array.isArray(errors) && typeof errors[0]?.message === 'string' ? errors[0].message : 'no data';
      throw new ProviderError(`GitLab ${what} answered with an error: ${clean(first, token)}`, {
        kind: 'malformed',
        status: answer!.status,
      });
    }
    return data;
  }

  /** Refuses URLs that leave the API: the token must not travel elsewhere. */
  private restUrl(req: RestRequest): string {
    if (/^https?:\/\//i.test(req.path)) {
      const url = new URL(req.path);
      if (url.origin !== this.apiOrigin || !`${url.origin}${url.pathname}`.startsWith(`${this.options.apiBaseUrl}/`))
        throw new ProviderError(`GitLab pagination link leaves the API base URL: ${url.origin}${url.pathname}`, {
          kind: 'refused',
        });
      return url.href;
    }
    const query = new URLSearchParams(
      Object.entries(req.query ?? {}).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    return `${this.options.apiBaseUrl}${req.path}${query ? `?${query}` : ''}`;
  }

  /** One paced exchange; null for a 304 to a conditional request. */
  private async exchange(
    token: string,
    req: {
      method: 'GET' | 'POST';
      url: string;
      headers: Record<string, string>;
      body?: string;
      what: string;
      conditional: boolean;
    },
    pacer: RequestPacer | undefined,
  ): Promise<Answer | null> {
    const report = pacer ? await pacer.acquire() : null;
    let info: ResponseInfo = NO_ANSWER;
    try {
      const answer = await this.send(token, req);
      const now = this.options.now();
      info = gitLabResponseInfo(answer.status, answer.headers, {
        now,
        assumedPerMinute: this.options.assumedPerMinute,
      });
      if (answer.status === 304 && req.conditional) return null;
      if (answer.status !== 200) {
        throw classifyGitLabFailure(answer.status, answer.headers, answer.text, {
          now,
          paddingMs: this.options.paddingMs,
          what: req.what,
          secret: token,
        });
      }
      return answer;
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
    req: { method: 'GET' | 'POST'; url: string; headers: Record<string, string>; body?: string; what: string },
  ): Promise<Answer> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    try {
      const res = await request(req.url, {
        method: req.method,
        headers: {
          accept: 'application/json',
          'user-agent': this.options.userAgent,
          authorization: `Bearer ${token}`,
          ...req.headers,
        },
        body: req.body ?? null,
        signal: controller.signal,
        dispatcher: this.options.dispatcher,
      });
      const text = await res.body.text();
      return { status: res.statusCode, headers: firstValues(res.headers), text };
    } catch (error) {
      const reason = controller.signal.aborted
        ? `request timed out after ${this.options.timeoutMs} ms`
        : error instanceof Error
          ? error.message
          : String(error);
      throw new ProviderError(`GitLab ${req.what} failed: ${clean(reason, token)}`, { kind: 'network' });
    } finally {
      clearTimeout(timer);
    }
  }
}

const clean = (text: string, secret: string) => toStoredText(scrub(text, secret));

function firstValues(raw: Record<string, string | string[] | undefined>): HeaderMap {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers[name.toLowerCase()] = first;
  }
  return headers;
}

function parseJson(answer: Answer, what: string): unknown {
  try {
    return JSON.parse(answer.text);
  } catch (error) {
    // JSON.parse quotes the body in its message: the error is stored with the row, so clean it too.
    const reason = toStoredText((error instanceof Error ? error.message : String(error)).slice(0, 120));
    throw new ProviderError(
      `GitLab ${what} answered ${answer.status} with invalid JSON (${answer.text.length} bytes): ${reason}`,
      { kind: 'malformed', status: answer.status },
    );
  }
}
