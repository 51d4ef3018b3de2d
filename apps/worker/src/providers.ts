import type { ProviderConfig } from '@gitsync/config';
import { createProvider, refreshOAuthToken, type GitProvider, type RepositoryCache } from '@gitsync/gitprovider';
import type { TokenRefresher } from '@gitsync/gitsync';

/** One provider per configured set, of its type (the registry in @gitsync/gitprovider). */
export function createProviders(
  configs: ProviderConfig[],
  options: { timeoutMs: number; paddingMs: number; repositories?: RepositoryCache },
): GitProvider[] {
  return configs.map((config) =>
    createProvider(config.type, {
      id: config.id,
      apiBaseUrl: config.apiBaseUrl,
      ...(config.originPattern && { originPattern: config.originPattern }),
      requestTimeoutMs: options.timeoutMs,
      rateLimitPaddingMs: options.paddingMs,
      ...(options.repositories && { repositories: options.repositories }),
    }),
  );
}

/**
 * OAuth refresh through each provider's token URL (RFC 6749's refresh grant, as GitHub and GitLab
 * answer it); providers without one cannot refresh.
 */
export function createTokenRefresher(configs: ProviderConfig[], timeoutMs: number): TokenRefresher {
  const byId = new Map(configs.map((c) => [c.id, c]));
  return async (providerId, refreshToken) => {
    const config = byId.get(providerId);
    if (!config?.tokenUrl) return null;
    return refreshOAuthToken({
      tokenUrl: config.tokenUrl,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      refreshToken,
      timeoutMs,
    });
  };
}
