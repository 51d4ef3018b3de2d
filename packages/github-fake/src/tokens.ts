import { randomBytes } from 'node:crypto';
import { TokenAccounts } from '@gitsync/fake-kit';
import type { AddTokenOptions } from './types.js';

/** Rate-limit numbers as sent in x-ratelimit-* headers. */
export interface RateSnapshot {
  limit: number;
  remaining: number;
  used: number;
  /** Epoch seconds. */
  reset: number;
}

export interface Account {
  login: string;
  budget: number;
  windowMs: number;
  windowStart: number;
  used: number;
  /** The secondary per-minute limit, and when the requests it counts came (epoch ms, oldest first). */
  perMinute: number | null;
  recent: number[];
}

export interface ForcedLimit {
  kind: 'primary' | 'secondary';
  until: number;
}

/** Access tokens with their budgets, injected rate limits and OAuth refresh tokens. */
export class Tokens {
  private readonly accounts = new TokenAccounts<Account, ForcedLimit['kind']>();
  private readonly refresh = new Map<string, { login: string; reusable: boolean }>();
  /** Every pair `redeem` handed out, oldest first. */
  readonly issued: Array<{ accessToken: string; refreshToken: string }> = [];

  constructor(readonly now: () => number = Date.now) {}

  add(token: string, opts: AddTokenOptions): void {
    this.accounts.set(token, {
      login: opts.login,
      budget: opts.budget ?? 5000,
      windowMs: opts.windowMs ?? 3_600_000,
      windowStart: this.now(),
      used: 0,
      perMinute: opts.perMinute ?? null,
      recent: [],
    });
  }

  remove(token: string): void {
    this.accounts.remove(token);
  }

  /** The account, its window restarted when it has run out. */
  account(token: string, now: number): Account | undefined {
    return this.accounts.get(token, now);
  }

  /**
   * Counts a request against the token's per-minute limit; false (not counted) when the last 60 s
   * already hold as many as it allows.
   */
  takeMinutePoint(account: Account, now: number): boolean {
    if (account.perMinute === null) return true;
    while (account.recent.length > 0 && account.recent[0]! <= now - 60_000) account.recent.shift();
    if (account.recent.length >= account.perMinute) return false;
    account.recent.push(now);
    return true;
  }

  /** Timed from the first request that meets it (`TokenAccounts.force`). */
  force(token: string, kind: ForcedLimit['kind'], ms: number): void {
    this.accounts.force(token, ms, kind);
  }

  /** The injected limit in force for this token at `now`, if any. */
  forcedLimit(token: string, now: number): ForcedLimit | undefined {
    const forced = this.accounts.forcedAt(token, now);
    return forced && { kind: forced.detail, until: forced.until };
  }

  addRefresh(refreshToken: string, login: string, reusable = false): void {
    this.refresh.set(refreshToken, { login, reusable });
  }

  /**
   * Trades a refresh token for a new access/refresh pair. Like GitHub, the used refresh token is
   * spent, while access tokens issued earlier keep working; a reusable one is not spent and comes
   * back as it is. Undefined when the refresh token is unknown.
   */
  redeem(refreshToken: string): { accessToken: string; refreshToken: string } | undefined {
    const known = this.refresh.get(refreshToken);
    if (known === undefined) return undefined;
    const accessToken = `ghu_${randomBytes(18).toString('hex')}`;
    this.add(accessToken, { login: known.login });
    let next = refreshToken;
    if (!known.reusable) {
      this.refresh.delete(refreshToken);
      next = `ghr_${randomBytes(30).toString('hex')}`;
      this.refresh.set(next, known);
    }
    const pair = { accessToken, refreshToken: next };
    this.issued.push(pair);
    return pair;
  }
}

export function snapshot(account: Account): RateSnapshot {
  return {
    limit: account.budget,
    remaining: Math.max(0, account.budget - account.used),
    used: account.used,
    reset: Math.ceil((account.windowStart + account.windowMs) / 1000),
  };
}
