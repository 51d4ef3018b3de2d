import type { ProviderConfig } from '@gitsync/config';
import { createGitHubProvider, refreshOAuthToken, type GitProvider, type RepositoryCache } from '@gitsync/gitprovider';
import type { TokenRefresher } from '@gitsync/gitsync';

export function createProviders(
  configs: ProviderConfig[],
  options: { timeoutMs: number; paddingMs: number; repositories?: RepositoryCache },
): GitProvider[] {
  return configs.map((config) =>
    createGitHubProvider({
      id: config.id,
      apiBaseUrl: config.apiBaseUrl,
      ...(config.originPattern && { originPattern: config.originPattern }),
      requestTimeoutMs: options.timeoutMs,
      rateLimitPaddingMs: options.paddingMs,
      ...(options.repositories && { repositories: options.repositories }),
    }),
  );
}

/** OAuth refresh through each provider's token URL; providers without one cannot refresh. */
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
