import type { ResponseInfo } from './types.js';

/** What a GitHub answer's `x-ratelimit-*` headers tell the pacer (API calls and diffs alike). */
export function responseInfo(status: number, headers: Record<string, string | number | undefined>): ResponseInfo {
  const number = (name: string) => {
    const value = headers[name];
    const parsed = value === undefined ? NaN : Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  };
  const reset = number('x-ratelimit-reset');
  return {
    status,
    remaining: number('x-ratelimit-remaining'),
    resetAt: reset === null ? null : new Date(reset * 1000),
    blockedUntil: null,
    limit: number('x-ratelimit-limit'),
  };
}
