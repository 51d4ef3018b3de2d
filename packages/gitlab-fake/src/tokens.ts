import { randomBytes } from 'node:crypto';
import { TokenAccounts } from '@gitsync/fake-kit';
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
  private readonly accounts = new TokenAccounts<Account>();
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
    this.accounts.remove(token);
  }

  /** The account, its window restarted when it ran out. */
  account(token: string, now: number): Account | undefined {
    return this.accounts.get(token, now);
  }

  /** Timed from the first request that meets it (`TokenAccounts.force`). */
  force(token: string, ms: number): void {
    this.accounts.force(token, ms, undefined);
  }

  /** When the forced limit in force at `now` ends, if there is one. */
  forcedUntil(token: string, now: number): number | undefined {
    return this.accounts.forcedAt(token, now)?.until;
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
