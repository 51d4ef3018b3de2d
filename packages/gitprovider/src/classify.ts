import { STATUS_CODES } from 'node:http';
import { ProviderError, RateLimitError } from './errors.js';

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

/** GitHub's documented advice for a 429 that carries no hint: wait at least a minute. */
const FALLBACK_429_WAIT_MS = 60_000;
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

/**
 * When a 403/429 tells us to stop, the time (ms, before padding) until which to stop; null when it does
 * not. `x-ratelimit-reset` counts unless `x-ratelimit-remaining` says quota is left: GitHub sends the
 * reset header on every response, so a permission 403 (remaining > 0) carries one too.
 */
export function rateLimitedUntil(status: number, headers: HeaderMap, now: number): number | null {
  if (status !== 403 && status !== 429) return null;
  const candidates: number[] = [];
  const retryAt = retryAfterMs(header(headers, 'retry-after'), now);
  if (retryAt !== null) candidates.push(retryAt);
  const remaining = header(headers, 'x-ratelimit-remaining');
  const reset = header(headers, 'x-ratelimit-reset');
  if ((remaining === undefined || remaining === '0') && reset !== undefined && /^\d+$/.test(reset)) {
    candidates.push(Number(reset) * 1000);
  }
  if (candidates.length === 0) return status === 429 ? now + FALLBACK_429_WAIT_MS : null;
  // A reset already in the past (clock skew) still means "limited": never return a time before now.
  return Math.max(now, ...candidates);
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
  const until = rateLimitedUntil(status, headers, options.now);
  if (until !== null) return new RateLimitError(new Date(until + options.paddingMs), { kind: 'provider', status });
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
