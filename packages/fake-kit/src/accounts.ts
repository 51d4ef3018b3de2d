/** What every fake provider account has: a request budget per window. */
export interface WindowedAccount {
  budget: number;
  windowMs: number;
  windowStart: number;
  used: number;
}

/** A limit a test forced on a token, and what the fake says of it (`kind`, for GitHub's two limits). */
interface PendingLimit<Detail> {
  detail: Detail;
  ms: number;
  /** Unset until the first request that meets the limit opens its window. */
  until: number | null;
}

/** Accounts by access token, with their budget windows and the limits tests force on them. */
export class TokenAccounts<A extends WindowedAccount, Detail = undefined> {
  private readonly accounts = new Map<string, A>();
  private readonly forced = new Map<string, PendingLimit<Detail>>();

  set(token: string, account: A): void {
    this.accounts.set(token, account);
  }

  remove(token: string): void {
    this.accounts.delete(token);
    this.forced.delete(token);
  }

  /** The account, its window restarted when it has run out. */
  get(token: string, now: number): A | undefined {
    const account = this.accounts.get(token);
    if (account && now >= account.windowStart + account.windowMs) {
      account.windowStart = now;
      account.used = 0;
    }
    return account;
  }

  /**
   * The window is timed from the first request that meets it, not from now: how long the system
   * under test takes to send that request (a loaded machine) must not shorten the window it sees.
   */
  force(token: string, ms: number, detail: Detail): void {
    this.forced.set(token, { detail, ms, until: null });
  }

  /** The forced limit in force for this token at `now`, if any (the first request opens its window). */
  forcedAt(token: string, now: number): { detail: Detail; until: number } | undefined {
    const forced = this.forced.get(token);
    if (!forced) return undefined;
    forced.until ??= now + forced.ms;
    if (now >= forced.until) {
      this.forced.delete(token);
      return undefined;
    }
    return { detail: forced.detail, until: forced.until };
  }
}
