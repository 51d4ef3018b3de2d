export * from './types.js';
export * from './errors.js';
export { createGitHubProvider, GitHubProvider } from './github-provider.js';
export type { GitHubProviderOptions } from './github-provider.js';
export { DEFAULT_GITHUB_API_BASE_URL, webBaseUrlFor } from './web-base.js';
export {
  normalizeOrigin,
  parseOrigin,
  parsePullRequestUrl,
  pullRequestUrl,
  repositoryKey,
  repositoryOf,
} from './origin.js';
export { aggregateReviews } from './reviews.js';
export type { ReviewInput } from './reviews.js';
export { classifyError, classifyHttpFailure, rateLimitedUntil } from './classify.js';
export type { ClassifyOptions, HeaderMap } from './classify.js';
export { nextPageUrl } from './link-header.js';
export { tokenKey } from './token-cache.js';
export * from './oauth.js';
