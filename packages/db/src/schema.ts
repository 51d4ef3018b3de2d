import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  CHAT_STATUSES,
  CHECKS_STATES,
  PULL_REQUEST_STATES,
  REFRESH_INTERVAL_CLASSES,
  REFRESH_OUTCOMES,
  USER_ROLES,
} from '@gitsync/contracts';
import type { ChecksTally } from '@gitsync/gitprovider';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const userRole = pgEnum('user_role', USER_ROLES);
export const chatStatus = pgEnum('chat_status', CHAT_STATUSES);
export const pullRequestState = pgEnum('pull_request_state', PULL_REQUEST_STATES);
/** The kind of the last refresh outcome, kept with the row for operators and metrics. */
export const refreshOutcome = pgEnum('refresh_outcome', REFRESH_OUTCOMES);
export const checksState = pgEnum('checks_state', CHECKS_STATES);
/** Which rule set a row's stale_at (gitsync's timings.ts). */
export const refreshIntervalClass = pgEnum('refresh_interval_class', REFRESH_INTERVAL_CLASSES);

/**
 * Where an API key came from: `env` is the admin key of GITSYNC_ADMIN_API_KEY (replaced when the
 * variable changes), `api` one created through the API. Null: created before keys had a source.
 */
export const apiKeySource = pgEnum('api_key_source', ['env', 'api']);

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  username: text('username').notNull().unique(),
  role: userRole('role').notNull().default('member'),
  createdAt: createdAt(),
});

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** sha256 of the secret; the secret itself is shown once and never stored. */
    hashedSecret: text('hashed_secret').notNull().unique(),
    /** What its owner calls it ("ci", "sidebar"); not secret. */
    name: text('name').notNull().default(''),
    source: apiKeySource('source'),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [index('api_keys_user_id_idx').on(t.userId)],
);

export const chats = pgTable(
  'chats',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull().default(''),
    status: chatStatus('status').notNull().default('waiting'),
    archived: boolean('archived').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('chats_owner_id_idx').on(t.ownerId), index('chats_updated_at_id_idx').on(t.updatedAt, t.id)],
);

export const externalAuthLinks = pgTable(
  'external_auth_links',
  {
    providerId: text('provider_id').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /**
     * Secret: never leaves Postgres except towards the provider. Sealed with AES-256-GCM
     * (token-cipher.ts) under the key its key id names; plain text where the id is null.
     */
    accessToken: text('access_token').notNull(),
    accessTokenKeyId: text('access_token_key_id'),
    refreshToken: text('refresh_token'),
    refreshTokenKeyId: text('refresh_token_key_id'),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.providerId, t.userId] })],
);

export const chatDiffStatuses = pgTable(
  'chat_diff_statuses',
  {
    chatId: uuid('chat_id')
      .primaryKey()
      .references(() => chats.id, { onDelete: 'cascade' }),
    url: text('url'),
    pullRequestState: pullRequestState('pull_request_state'),
    pullRequestTitle: text('pull_request_title').notNull().default(''),
    pullRequestDraft: boolean('pull_request_draft').notNull().default(false),
    changesRequested: boolean('changes_requested').notNull().default(false),
    additions: integer('additions').notNull().default(0),
    deletions: integer('deletions').notNull().default(0),
    changedFiles: integer('changed_files').notNull().default(0),
    authorLogin: text('author_login'),
    authorAvatarUrl: text('author_avatar_url'),
    baseBranch: text('base_branch'),
    headBranch: text('head_branch'),
    headSha: text('head_sha'),
    prNumber: integer('pr_number'),
    commits: integer('commits'),
    approved: boolean('approved'),
    reviewerCount: integer('reviewer_count'),
    /** GitHub computes mergeability lazily: null is "not known yet", never a conflict. */
    mergeable: boolean('mergeable'),
    /** GitHub's `mergeable_state`: `dirty` means conflicts. */
    mergeableState: text('mergeable_state'),
    requestedReviewerCount: integer('requested_reviewer_count'),
    /** Label names (a JSON array of strings). */
    labels: jsonb('labels').$type<string[]>(),
    /** The head commit's checks (check runs and commit statuses together); null: it has none. */
    checksState: checksState('checks_state'),
    checksPassed: integer('checks_passed'),
    checksFailed: integer('checks_failed'),
    checksPending: integer('checks_pending'),
    gitBranch: text('git_branch').notNull().default(''),
    gitRemoteOrigin: text('git_remote_origin').notNull().default(''),
    /**
     * The origin's repository as `host/owner/repo` in lower case (gitprovider's repositoryKey), the
     * same for every spelling: what webhooks match a PR's head repository against. '' when the
     * origin names no repository; null until computed (rows reported before the column existed).
     */
    repoKey: text('repo_key'),
    /** The commit the agent said the branch is at, in its last report (optional): guards a reused branch name. */
    reportedHeadSha: text('reported_head_sha'),
    refreshedAt: timestamp('refreshed_at', { withTimezone: true }),
    staleAt: timestamp('stale_at', { withTimezone: true }).notNull().defaultNow(),
    /** When the agent last reported the branch: drives the short no-PR-yet retry window. */
    markedStaleAt: timestamp('marked_stale_at', { withTimezone: true }),
    /**
     * Bumped by every report of the agent; a refresh that started on an older generation must not
     * push stale_at forward, or the newer report would wait a whole TTL.
     */
    generation: integer('generation').notNull().default(0),
    /**
     * Until when a scheduler's claim holds the row (its job is queued or running); cleared by every
     * write-back. Lets the system re-enqueue at once the rows whose jobs Redis lost.
     */
    leasedUntil: timestamp('leased_until', { withTimezone: true }),
    /** ETags of the pull and reviews endpoints, so that any replica can send If-None-Match. */
    pullEtag: text('pull_etag'),
    reviewsEtag: text('reviews_etag'),
    /**
     * ETags of the head's check runs and combined status, and what each tallied when read: a 304
     * from one source keeps its tally while the other's changes.
     */
    checkRunsEtag: text('check_runs_etag'),
    statusesEtag: text('statuses_etag'),
    checkRunsTally: jsonb('check_runs_tally').$type<ChecksTally>(),
    statusesTally: jsonb('statuses_tally').$type<ChecksTally>(),
    lastOutcome: refreshOutcome('last_outcome'),
    lastError: text('last_error'),
    /** Consecutive refreshes that did not end in `refreshed`. */
    failedAttempts: integer('failed_attempts').notNull().default(0),
    /** When a refresh last saw the PR change: another PR, a new state (a reopen) or a new head commit. */
    prChangedAt: timestamp('pr_changed_at', { withTimezone: true }),
    /**
     * The state-aware schedule (gitsync's timings.ts): which rule set stale_at, and the interval a
     * merged/closed PR or a missing PR doubles from while nothing changes. A report resets both.
     */
    refreshIntervalClass: refreshIntervalClass('refresh_interval_class').notNull().default('reported'),
    refreshIntervalMs: integer('refresh_interval_ms'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('chat_diff_statuses_stale_at_idx').on(t.staleAt),
    index('chat_diff_statuses_url_idx')
      .on(t.url)
      .where(sql`${t.url} is not null`),
    index('chat_diff_statuses_repo_key_branch_idx').on(t.repoKey, t.gitBranch),
    // check_run, check_suite and status deliveries name a commit, not a pull request.
    index('chat_diff_statuses_head_sha_idx')
      .on(t.headSha)
      .where(sql`${t.headSha} is not null`),
  ],
);

export type User = typeof users.$inferSelect;
export type Chat = typeof chats.$inferSelect;
export type ChatDiffStatus = typeof chatDiffStatuses.$inferSelect;
export type ExternalAuthLink = typeof externalAuthLinks.$inferSelect;
