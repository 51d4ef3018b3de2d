import { refreshOAuthToken, type RefreshedToken } from './oauth.js';
import { createProvider, type ClosableProvider, type ProviderTypeName } from './registry.js';
import type { RepositoryCache } from './types.js';

/** What a configured provider set (`GITSYNC_EXTERNAL_AUTH_<n>_*`, parsed by @gitsync/config) says. */
export interface ConfiguredProvider {
  id: string;
  type: ProviderTypeName;
  apiBaseUrl: string;
  originPattern: RegExp | null;
  clientId: string | null;
  clientSecret: string | null;
  tokenUrl: string | null;
}

/** One provider per configured set, of its type; what workers refresh with and the API reads diffs with. */
export function createProviders<C extends ConfiguredProvider>(
  configs: readonly C[],
  options: { timeoutMs: number; paddingMs: number; repositories?: RepositoryCache },
): ClosableProvider[] {
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
export function createTokenRefresher<C extends ConfiguredProvider>(
  configs: readonly C[],
  timeoutMs: number,
): (providerId: string, refreshToken: string) => Promise<RefreshedToken | null> {
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
