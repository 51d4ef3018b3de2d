/** The API base URL of gitlab.com. */
export const DEFAULT_GITLAB_API_BASE_URL = 'https://gitlab.com/api/v4';

/**
 * The web base URL (where origins and merge-request pages live) for a GitLab API base URL: the URL
 * without its `/api/v4`, scheme, host, port and any path prefix (a relative URL root) kept —
 * `https://gitlab.com/api/v4` → `https://gitlab.com`, `https://host:8443/gitlab/api/v4` →
 * `https://host:8443/gitlab`. No trailing slash.
 */
export function gitLabWebBaseUrlFor(apiBaseUrl: string): string {
  const url = new URL(apiBaseUrl);
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v4$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

/** GraphQL lives beside REST: `<web base>/api/graphql`. */
export function gitLabGraphqlUrlFor(apiBaseUrl: string): string {
  return `${gitLabWebBaseUrlFor(apiBaseUrl)}/api/graphql`;
}

/** Where GitLab (Doorkeeper) trades a refresh token: `<web base>/oauth/token`. */
export function gitLabTokenUrlFor(apiBaseUrl: string): string {
  return `${gitLabWebBaseUrlFor(apiBaseUrl)}/oauth/token`;
}
