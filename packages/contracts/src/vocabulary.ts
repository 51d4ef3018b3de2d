/**
 * The words every layer shares, spelled once: the database's enums, the API's schemas and the
 * refresh pipeline's types all derive from these lists.
 */

export const USER_ROLES = ['member', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const CHAT_STATUSES = ['waiting', 'pending', 'running', 'paused', 'completed', 'error'] as const;
export type ChatStatus = (typeof CHAT_STATUSES)[number];

export const PULL_REQUEST_STATES = ['open', 'closed', 'merged'] as const;
export type PullRequestState = (typeof PULL_REQUEST_STATES)[number];

/** How a refresh of one row ended; stored with the row as `last_outcome`. */
export const REFRESH_OUTCOMES = [
  'refreshed',
  'no_pr',
  'no_token',
  'no_provider',
  'provider_error',
  'rate_limited',
] as const;
export type RefreshOutcome = (typeof REFRESH_OUTCOMES)[number];

/**
 * The CI checks of a pull request's head commit, together: a failing check makes it `failure`,
 * else one still queued or running `pending`, else a passed one `success`; `neutral` when every
 * check ended neither way (skipped, neutral). No checks at all: no state.
 */
export const CHECKS_STATES = ['pending', 'success', 'failure', 'neutral'] as const;
export type ChecksState = (typeof CHECKS_STATES)[number];
