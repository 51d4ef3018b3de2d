const GITHUB_API_HOST = 'api.github.com';

/** The API base URL of github.com. */
export const DEFAULT_GITHUB_API_BASE_URL = 'https://api.github.com';

/**
 * The web base URL (where origins and pull-request pages live) for a GitHub API base URL:
 * `https://api.github.com` → `https://github.com`; Enterprise `https://HOST[:PORT]/api/v3` → the same URL
 * without `/api/v3`, scheme, host and port kept (so a local fake at `http://127.0.0.1:9000/api/v3` has its
 * pages under `http://127.0.0.1:9000`). No trailing slash.
 */
export function webBaseUrlFor(apiBaseUrl: string): string {
  const url = new URL(apiBaseUrl);
  if (url.hostname === GITHUB_API_HOST) return 'https://github.com';
  // GitHub Enterprise Cloud with data residency serves the API from `api.<tenant>.ghe.com`.
  const host = /^api\.([^.]+\.ghe\.com)$/.test(url.hostname) ? url.host.slice('api.'.length) : url.host;
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v3$/, '');
  return `${url.protocol}//${host}${path}`;
}

/** The API base URL without a trailing slash (what octokit expects as `baseUrl`). */
export function normalizeApiBaseUrl(apiBaseUrl: string): string {
  const url = new URL(apiBaseUrl);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}
