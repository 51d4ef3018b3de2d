import { STATUS_CODES } from 'node:http';
import { ProviderError, RateLimitError, type ProviderLimit } from './errors.js';

/** Response headers as octokit hands them over (lower-case names). */
export type HeaderMap = Readonly<Record<string, string | number | undefined>>;

export interface ClassifyOptions {
  /** Current time in ms since the epoch. */
  now: number;
  /** Added to every reset time so that no replica calls back in right at the edge of the window. */
  paddingMs: number;
  /** What was being requested, for the message: e.g. `GET /repos/o/r/pulls/1`. */
  what?: string;
  /** A secret that must never appear in a message (the token); scrubbed if a server echoes it. */
  secret?: string;
}

/** GitHub's documented advice for a secondary limit that carries no hint: wait at least a minute. */
const FALLBACK_SECONDARY_WAIT_MS = 60_000;
const MAX_DETAIL_CHARS = 200;

function header(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name];
  return value === undefined ? undefined : String(value).trim();
}

/** `retry-after` is delta-seconds on GitHub; an HTTP-date is accepted too. */
export function retryAfterMs(value: string | undefined, now: number): number | null {
  if (value === undefined || value === '') return null;
  if (/^\d+$/.test(value)) return now + Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : at;
}

/** GitHub's wording of a secondary limit (older answers said "abuse detection"). */
const SECONDARY_MESSAGE = /secondary rate limit|abuse detection/i;

/** A 403/429 that tells us to stop: until when (ms, before padding), and which limit it was. */
export interface ProviderRateLimit {
  untilMs: number;
  limit: ProviderLimit;
}

/**
 * Reads a 403/429 as a rate limit; null when it is not one. `x-ratelimit-reset` counts unless
 * `x-ratelimit-remaining` says quota is left: GitHub sends the reset header on every response, so a
 * permission 403 (remaining > 0) carries one too. A `retry-after`, GitHub's "secondary rate limit"
 * message, or a bare 429 is a secondary limit; without a hint GitHub asks to wait at least a minute.
 */
export function providerRateLimit(
  status: number,
  headers: HeaderMap,
  now: number,
  detail?: string,
): ProviderRateLimit | null {
  if (status !== 403 && status !== 429) return null;
  const candidates: number[] = [];
  const retryAt = retryAfterMs(header(headers, 'retry-after'), now);
  if (retryAt !== null) candidates.push(retryAt);
  const remaining = header(headers, 'x-ratelimit-remaining');
  const reset = header(headers, 'x-ratelimit-reset');
  const saysSecondary = detail !== undefined && SECONDARY_MESSAGE.test(detail);
  // The hourly reset is no end of a secondary limit, unless the hourly budget is spent too.
  const budgetSpent = remaining === '0' || (remaining === undefined && !saysSecondary);
  if (budgetSpent && reset !== undefined && /^\d+$/.test(reset)) candidates.push(Number(reset) * 1000);
  const secondary = retryAt !== null || saysSecondary || (status === 429 && remaining !== '0');
  if (candidates.length === 0) {
    if (!secondary) return null;
    candidates.push(now + FALLBACK_SECONDARY_WAIT_MS);
  }
  // A reset already in the past (clock skew) still means "limited": never return a time before now.
  const untilMs = Math.max(now, ...candidates);
  return { untilMs, limit: secondary && remaining !== '0' ? 'secondary' : 'primary' };
}

/** When a 403/429 tells us to stop, the time (ms, before padding) until which to stop; null when it does not. */
export function rateLimitedUntil(status: number, headers: HeaderMap, now: number, detail?: string): number | null {
  return providerRateLimit(status, headers, now, detail)?.untilMs ?? null;
}

export function scrub(text: string, secret: string | undefined): string {
  const clean = secret ? text.split(secret).join('[redacted]') : text;
  return clean.length > MAX_DETAIL_CHARS ? `${clean.slice(0, MAX_DETAIL_CHARS)}…` : clean;
}

/** The error for an HTTP error answer; the message names the status and never holds the secret. */
export function classifyHttpFailure(
  status: number,
  headers: HeaderMap,
  detail: string | undefined,
  options: ClassifyOptions,
): RateLimitError | ProviderError {
  const limited = providerRateLimit(status, headers, options.now, detail);
  if (limited !== null)
    return new RateLimitError(new Date(limited.untilMs + options.paddingMs), {
      kind: 'provider',
      status,
      limit: limited.limit,
    });
  const what = options.what ? ` ${options.what}` : '';
  const text = STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : '';
  const suffix = detail ? `: ${scrub(detail, options.secret)}` : '';
  return new ProviderError(`GitHub${what} answered ${status}${text}${suffix}`, { kind: 'http', status });
}

interface ResponseLike {
  status: number;
  headers: HeaderMap;
  data?: unknown;
}

function responseOf(error: unknown): ResponseLike | null {
  if (typeof error !== 'object' || error === null || !('response' in error)) return null;
  const response = (error as { response?: unknown }).response;
  if (typeof response !== 'object' || response === null) return null;
  const { status, headers } = response as Partial<ResponseLike>;
  if (typeof status !== 'number' || typeof headers !== 'object' || headers === null) return null;
  return response as ResponseLike;
}

/** GitHub's error bodies are `{ message, documentation_url }`; keep only the message. */
function messageOf(data: unknown): string | undefined {
  if (typeof data === 'string') return data.trim() || undefined;
  if (typeof data === 'object' && data !== null && 'message' in data) {
    const { message } = data as { message: unknown };
    return typeof message === 'string' ? message : undefined;
  }
  return undefined;
}

/**
 * Maps anything a GitHub call threw (octokit's RequestError, a network or timeout failure) to our
 * errors. The octokit error itself is never passed on, not even as `cause`: it carries the request.
 */
export function classifyError(error: unknown, options: ClassifyOptions): RateLimitError | ProviderError {
  if (error instanceof RateLimitError || error instanceof ProviderError) return error;
  const response = responseOf(error);
  if (response) return classifyHttpFailure(response.status, response.headers, messageOf(response.data), options);
  const reason = error instanceof Error ? error.message : String(error);
  const what = options.what ? ` ${options.what}` : '';
  return new ProviderError(`GitHub${what} failed: ${scrub(reason, options.secret)}`, { kind: 'network' });
}
