import { STATUS_CODES } from 'node:http';
import { toStoredText } from '@gitsync/stored-text';
import { retryAfterMs, scrub } from '../classify.js';
import type { HeaderMap } from '../classify.js';
import { ProviderError, RateLimitError } from '../errors.js';
import type { ResponseInfo } from '../types.js';

/** A 429 with no hint: wait a minute, GitLab's throttles count per minute. */
const FALLBACK_429_WAIT_MS = 60_000;

const header = (headers: HeaderMap, name: string): string | undefined => {
  const value = headers[name];
  return value === undefined ? undefined : String(value).trim();
};

const epochSeconds = (value: string | undefined): number | null =>
  value !== undefined && /^\d+$/.test(value) ? Number(value) * 1000 : null;

/**
 * When a GitLab answer tells us to stop, the time (ms, before padding) until which to stop; null when
 * it does not. Only a 429 does: GitLab's throttles (Rack::Attack, and gitlab.com's edge) answer 429
 * with `Retry-After` and `RateLimit-Reset`; a 403 is a permission, never a rate limit.
 */
export function gitLabRateLimitedUntil(status: number, headers: HeaderMap, now: number): number | null {
  if (status !== 429) return null;
  const candidates = [
    retryAfterMs(header(headers, 'retry-after'), now),
    epochSeconds(header(headers, 'ratelimit-reset')),
  ].filter((at): at is number => at !== null);
  if (candidates.length === 0) return now + FALLBACK_429_WAIT_MS;
  return Math.max(now, ...candidates);
}

export interface BudgetOptions {
  now: number;
  /**
   * What an answer without `RateLimit-*` headers is taken to leave, per minute. GitLab announces
   * its budget only once a throttle refuses (then with a 429 saying until when); until then the
   * pacer, which lets one request at a time out while a group's budget is unknown, would hold
   * every group to one request in flight.
   */
  assumedPerMinute: number;
}

/** What one GitLab answer says about the caller's budget (`RateLimit-Remaining`/`-Reset`, epoch seconds). */
export function gitLabResponseInfo(status: number, headers: HeaderMap, budget: BudgetOptions): ResponseInfo {
  const remaining = header(headers, 'ratelimit-remaining');
  const reset = epochSeconds(header(headers, 'ratelimit-reset'));
  if (remaining !== undefined && /^\d+$/.test(remaining) && reset !== null)
    return { status, remaining: Number(remaining), resetAt: new Date(reset), blockedUntil: null };
  const minuteEnd = Math.floor(budget.now / 60_000) * 60_000 + 60_000;
  return { status, remaining: budget.assumedPerMinute, resetAt: new Date(minuteEnd), blockedUntil: null };
}

/** GitLab's error bodies: `{"message": "404 Project Not Found"}`, `{"error": "invalid_token", …}`. */
function messageOf(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { message, error, error_description: description } = parsed as Record<string, unknown>;
    const text = [message, error, description].find((v) => typeof v === 'string' || typeof v === 'object');
    return typeof text === 'string' ? text : text === undefined ? undefined : JSON.stringify(text);
  } catch {
    return body.trim().slice(0, 200) || undefined;
  }
}

export interface GitLabFailureOptions {
  now: number;
  paddingMs: number;
  /** e.g. `GET /projects/g%2Fp/merge_requests` */
  what: string;
  /** Never in a message (the token), scrubbed should a server echo it. */
  secret: string;
}

/** The error for a GitLab error answer; the message names the request and the status, never the token. */
export function classifyGitLabFailure(
  status: number,
  headers: HeaderMap,
  body: string,
  options: GitLabFailureOptions,
): RateLimitError | ProviderError {
  const until = gitLabRateLimitedUntil(status, headers, options.now);
  // GitLab has one kind of limit, its hourly or per-minute budget: called primary here.
  if (until !== null)
    return new RateLimitError(new Date(until + options.paddingMs), { kind: 'provider', status, limit: 'primary' });
  const text = STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : '';
  const detail = messageOf(body);
  // The message is stored with the row: what the server wrote must be storable text.
  const suffix = detail ? `: ${toStoredText(scrub(detail, options.secret))}` : '';
  return new ProviderError(`GitLab ${options.what} answered ${status}${text}${suffix}`, { kind: 'http', status });
}
