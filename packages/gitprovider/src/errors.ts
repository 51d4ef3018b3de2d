/**
 * Why a request to the provider failed, by kind (never a made-up status):
 * - `http`: the provider answered with an error status (4xx, 5xx) that is not a rate limit;
 * - `network`: no answer came (connection refused or reset, timeout);
 * - `malformed`: an answer came, but not the one the API documents (unreadable body, a 304 nobody
 *   asked for, a runaway chain of pages);
 * - `refused`: we would not send the request (a pagination link leaving the API's origin: the
 *   token must not travel there).
 */
export type ProviderFailure =
  { kind: 'http'; status: number } | { kind: 'network' } | { kind: 'malformed'; status: number } | { kind: 'refused' };

export type ProviderFailureKind = ProviderFailure['kind'];

/** The provider could not give us what we asked for; see {@link ProviderFailure} for the kinds. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly kind: ProviderFailureKind;
  /** The HTTP status of the answer, when one came (`http`, `malformed`). */
  readonly status: number | null;

  constructor(message: string, failure: ProviderFailure) {
    super(message);
    this.kind = failure.kind;
    this.status = 'status' in failure ? failure.status : null;
  }

  /** An HTTP answer with this status. */
  is(status: number): boolean {
    return this.kind === 'http' && this.status === status;
  }

  /** Worth retrying soon: a server error or no answer at all. */
  get transient(): boolean {
    switch (this.kind) {
      case 'network':
        return true;
      case 'http':
        return this.status !== null && this.status >= 500;
      case 'malformed':
      case 'refused':
        return false;
    }
  }
}

/**
 * Where a rate limit was seen: the provider said so (403/429 with its headers), or our own pacer
 * refused because the group is blocked or its known budget is spent (a block every replica shares).
 */
export type RateLimitSource = { kind: 'provider'; status: number; limit: ProviderLimit } | { kind: 'pacer' };

/** Which of the provider's limits refused: its hourly budget, or a secondary (per-minute, concurrency) one. */
export type ProviderLimit = 'primary' | 'secondary';

/** The group (provider + token owner) may not call the provider before `resetAt` (padding included). */
export class RateLimitError extends Error {
  override readonly name = 'RateLimitError';

  constructor(
    readonly resetAt: Date,
    readonly source: RateLimitSource,
  ) {
    const by = source.kind === 'provider' ? `HTTP ${source.status}, ${source.limit}` : 'budget spent or group blocked';
    super(`rate limited (${by}) until ${resetAt.toISOString()}`);
  }
}
