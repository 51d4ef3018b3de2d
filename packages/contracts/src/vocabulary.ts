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

/**
 * Which rule set a row's next refresh (its `stale_at`), stored with the row: the schedule doubles
 * an interval only within one class, and metrics count refreshes by the class that scheduled them.
 * `reported`: the agent's report made it due; `token_linked`: its owner linked a token.
 */
export const REFRESH_INTERVAL_CLASSES = [
  'reported',
  'token_linked',
  'open',
  'terminal',
  'no_pr_recent',
  'no_pr',
  'no_token',
  'error',
  'rate_limited',
] as const;
export type RefreshIntervalClass = (typeof REFRESH_INTERVAL_CLASSES)[number];

/**
 * Why a rate-limit group is blocked: the provider's hourly budget (`primary`), its per-minute or
 * concurrency limits (`secondary`: a 403/429 with retry-after, or its "secondary rate limit"
 * message), or our own pacer stopping before the provider refuses (`proactive`: the known budget
 * spent, or the group's requests-per-minute ceiling reached).
 */
export const RATE_LIMIT_BLOCK_KINDS = ['primary', 'secondary', 'proactive'] as const;
export type RateLimitBlockKind = (typeof RATE_LIMIT_BLOCK_KINDS)[number];
