import { randomBytes } from 'node:crypto';
import type { AddTokenOptions } from './types.js';

export interface Account {
  username: string;
  budget: number;
  windowMs: number;
  windowStart: number;
  used: number;
}

/** The `RateLimit-*` numbers of an account, as GitLab's throttles send them. */
export interface RateSnapshot {
  limit: number;
  observed: number;
  remaining: number;
  /** Epoch ms of the window's end. */
  resetAt: number;
}

/** Access tokens with budgets, injected limits, and rotating OAuth refresh tokens. */
export class Tokens {
  private readonly accounts = new Map<string, Account>();
  /** Forced limits by token: how long, and when the window ends once a request opened it. */
  private readonly forced = new Map<string, { ms: number; until: number | null }>();
  private readonly refresh = new Map<string, string>();
  readonly issued: Array<{ accessToken: string; refreshToken: string }> = [];

  add(token: string, opts: AddTokenOptions): void {
    this.accounts.set(token, {
      username: opts.username,
      budget: opts.budget ?? 2000,
      windowMs: opts.windowMs ?? 60_000,
      windowStart: Date.now(),
      used: 0,
    });
  }

  remove(token: string): void {
    this.accounts.delete(token);
    this.forced.delete(token);
  }

  /** The account, its window restarted when it ran out. */
  account(token: string, now: number): Account | undefined {
    const account = this.accounts.get(token);
    if (account && now >= account.windowStart + account.windowMs) {
      account.windowStart = now;
      account.used = 0;
    }
    return account;
  }

  /** Timed from the first request that meets it (see the GitHub fake's `force`). */
  force(token: string, ms: number): void {
    this.forced.set(token, { ms, until: null });
  }

  /** When the forced limit in force at `now` ends, if there is one (the first request opens its window). */
  forcedUntil(token: string, now: number): number | undefined {
    const forced = this.forced.get(token);
    if (!forced) return undefined;
    forced.until ??= now + forced.ms;
    if (now >= forced.until) {
      this.forced.delete(token);
      return undefined;
    }
    return forced.until;
  }

  addRefresh(refreshToken: string, username: string): void {
    this.refresh.set(refreshToken, username);
  }

  /** Trades a refresh token for a new pair; the used one is revoked (GitLab rotates them). */
  redeem(refreshToken: string): { accessToken: string; refreshToken: string } | undefined {
    const username = this.refresh.get(refreshToken);
    if (username === undefined) return undefined;
    this.refresh.delete(refreshToken);
    const pair = {
      accessToken: `glpat-oauth-${randomBytes(16).toString('hex')}`,
      refreshToken: randomBytes(32).toString('hex'),
    };
    this.add(pair.accessToken, { username });
    this.refresh.set(pair.refreshToken, username);
    this.issued.push(pair);
    return pair;
  }
}

export function snapshot(account: Account): RateSnapshot {
  return {
    limit: account.budget,
    observed: account.used,
    remaining: Math.max(0, account.budget - account.used),
    resetAt: account.windowStart + account.windowMs,
  };
}

/** GitLab's `RateLimit-*` headers (and `Retry-After` when refusing). */
export function rateHeaders(rate: RateSnapshot, now: number, refusing: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    'ratelimit-name': 'throttle_authenticated_api',
    'ratelimit-limit': String(rate.limit),
    'ratelimit-observed': String(rate.observed),
    'ratelimit-remaining': String(rate.remaining),
    'ratelimit-reset': String(Math.ceil(rate.resetAt / 1000)),
    'ratelimit-resettime': new Date(rate.resetAt).toUTCString(),
  };
  if (refusing) headers['retry-after'] = String(Math.max(1, Math.ceil((rate.resetAt - now) / 1000)));
  return headers;
}
