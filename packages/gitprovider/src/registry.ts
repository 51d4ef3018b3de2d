import { createGitHubProvider } from './github-provider.js';
import { createGitLabProvider } from './gitlab/provider.js';
import { DEFAULT_GITLAB_API_BASE_URL, gitLabTokenUrlFor, gitLabWebBaseUrlFor } from './gitlab/web-base.js';
import type { GitProvider, RepositoryCache } from './types.js';
import { DEFAULT_GITHUB_API_BASE_URL, webBaseUrlFor } from './web-base.js';

/** What every provider type is made from (the rest is its type's own defaults). */
export interface ProviderOptions {
  /** The configured provider id (`GITSYNC_EXTERNAL_AUTH_<n>_ID`). */
  id: string;
  apiBaseUrl: string;
  /** Which origins belong to the provider; by default those its type parses for its host. */
  originPattern?: RegExp;
  /** Deadline for one HTTP exchange. */
  requestTimeoutMs?: number;
  /** Added to every rate-limit reset time. */
  rateLimitPaddingMs?: number;
  /** Where fork lookups are shared between replicas. */
  repositories?: RepositoryCache;
}

/** A provider that holds connections to close at shutdown. */
export type ClosableProvider = GitProvider & { close(): Promise<void> };

/** One provider type: its defaults and how to make one. */
export interface ProviderType {
  /** The API base URL when `_API_BASE_URL` is not set. */
  defaultApiBaseUrl: string;
  /** Where origins and pull-request pages live, for an API base URL. */
  webBaseUrlFor(apiBaseUrl: string): string;
  /** The OAuth refresh URL when `_TOKEN_URL` is not set; null: no refresh unless configured. */
  defaultTokenUrl(apiBaseUrl: string): string | null;
  create(options: ProviderOptions): ClosableProvider;
}

/**
 * The provider types `GITSYNC_EXTERNAL_AUTH_<n>_TYPE` may name. A new type is a folder beside
 * `gitlab/` and one line here (and its webhook handler in `@gitsync/webhooks`, which the compiler
 * asks for).
 */
export const providerTypes = {
  github: {
    defaultApiBaseUrl: DEFAULT_GITHUB_API_BASE_URL,
    webBaseUrlFor,
    defaultTokenUrl: () => null,
    create: createGitHubProvider,
  },
  gitlab: {
    defaultApiBaseUrl: DEFAULT_GITLAB_API_BASE_URL,
    webBaseUrlFor: gitLabWebBaseUrlFor,
    defaultTokenUrl: gitLabTokenUrlFor,
    create: createGitLabProvider,
  },
} as const satisfies Record<string, ProviderType>;

export type ProviderTypeName = keyof typeof providerTypes;

export const PROVIDER_TYPE_NAMES = Object.keys(providerTypes) as [ProviderTypeName, ...ProviderTypeName[]];

/** Makes a provider of a configured type. */
export function createProvider(type: ProviderTypeName, options: ProviderOptions): ClosableProvider {
  return providerTypes[type].create(options);
}
