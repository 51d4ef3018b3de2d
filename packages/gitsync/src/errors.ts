import { repositoryOf } from '@gitsync/gitprovider';

/**
 * No configured provider's pattern matches the row's remote origin. The message names the
 * repository, never the origin itself: one stored before credentials were stripped may hold a token.
 */
export class NoProviderError extends Error {
  override readonly name = 'NoProviderError';
  constructor(origin: string) {
    super(`no provider for origin ${repositoryOf(origin)}`);
  }
}

/** The owner has no usable token for the provider (none linked, or expired and not refreshable). */
export class NoTokenError extends Error {
  override readonly name = 'NoTokenError';
  constructor(readonly providerId: string) {
    super(`no token available for provider ${providerId}`);
  }
}

/** The row names something its provider cannot address: an origin or a PR url it does not parse. */
export class UnusableTargetError extends Error {
  override readonly name = 'UnusableTargetError';
}
