import { randomBytes } from 'node:crypto';
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

/** A forced limit not met yet: its window opens at the first request that meets it. */
interface PendingLimit {
  kind: 'primary' | 'secondary';
  ms: number;
  until: number | null;
}

/** Access tokens with their budgets, injected rate limits and OAuth refresh tokens. */
export class Tokens {
  private readonly accounts = new Map<string, Account>();
  private readonly forced = new Map<string, PendingLimit>();
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
    this.accounts.delete(token);
    this.forced.delete(token);
  }

  /** The account, its window restarted when it has run out. */
  account(token: string, now: number): Account | undefined {
    const account = this.accounts.get(token);
    if (account && now >= account.windowStart + account.windowMs) {
      account.windowStart = now;
      account.used = 0;
    }
    return account;
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

  /**
   * The window is timed from the first request that meets it, not from now: how long the system
   * under test takes to send that request (a loaded machine) must not shorten the window it sees.
   */
  force(token: string, kind: 'primary' | 'secondary', ms: number): void {
    this.forced.set(token, { kind, ms, until: null });
  }

  /** The injected limit in force for this token at `now`, if any (the first request opens its window). */
  forcedLimit(token: string, now: number): ForcedLimit | undefined {
    const forced = this.forced.get(token);
    if (!forced) return undefined;
    forced.until ??= now + forced.ms;
    if (now >= forced.until) {
      this.forced.delete(token);
      return undefined;
    }
    return { kind: forced.kind, until: forced.until };
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
