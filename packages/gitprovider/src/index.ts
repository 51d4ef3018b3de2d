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
export * from './oauth.js';
export { createProvider, providerTypes, PROVIDER_TYPE_NAMES } from './registry.js';
export type { ClosableProvider, ProviderOptions, ProviderType, ProviderTypeName } from './registry.js';
export { createGitLabProvider, GitLabProvider } from './gitlab/provider.js';
export type { GitLabProviderOptions } from './gitlab/provider.js';
export type { GitLabMergeRequest } from './gitlab/parse.js';
export { checksStateOf, gitLabVerdict, pipelineTally } from './gitlab/verdict.js';
export type { GitLabReviews } from './gitlab/verdict.js';
export { EMPTY_TALLY, summarizeChecks, tallyCheckRuns, tallyStatuses } from './checks.js';
export type { ChecksSummary, ChecksTally } from './checks.js';
export { parseGitLabOrigin, parseMergeRequestUrl, mergeRequestUrl } from './gitlab/origin.js';
export { DEFAULT_GITLAB_API_BASE_URL, gitLabTokenUrlFor, gitLabWebBaseUrlFor } from './gitlab/web-base.js';
export { createProviders, createTokenRefresher } from './configured.js';
export type { ConfiguredProvider } from './configured.js';
