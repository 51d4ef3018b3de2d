/** The provider told us this token's group is rate limited until `resetAt` (padding included). */
export class RateLimitError extends Error {
  override readonly name = 'RateLimitError';
  constructor(
    readonly resetAt: Date,
    readonly status: number,
  ) {
    super(`rate limited (HTTP ${status}) until ${resetAt.toISOString()}`);
  }
}

/** The provider answered with an error status, or with a body we could not understand. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    message: string,
    /** HTTP status; 0 for a network failure or an unreadable body. */
    readonly status: number,
  ) {
    super(message);
  }

  /** Worth retrying soon: 5xx, network failures, timeouts. */
  get transient(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}
