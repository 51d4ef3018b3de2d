import { z } from 'zod';
import { named } from './registry.js';
import { CHAT_STATUSES, CHECKS_STATES, PULL_REQUEST_STATES } from './vocabulary.js';

/** SPEC §6: the Go system's ChatDiffStatus field names; `?` fields are omitted when null. */
export const diffStatusSchema = named(
  'DiffStatus',
  z.object({
    chat_id: z.uuid(),
    url: z.string().optional(),
    pull_request_state: z.enum(PULL_REQUEST_STATES).optional(),
    pull_request_title: z.string(),
    pull_request_draft: z.boolean(),
    changes_requested: z.boolean(),
    additions: z.number().int(),
    deletions: z.number().int(),
    changed_files: z.number().int(),
    author_login: z.string().optional(),
    author_avatar_url: z.string().optional(),
    base_branch: z.string().optional(),
    head_branch: z.string().optional(),
    pr_number: z.number().int().optional(),
    commits: z.number().int().optional(),
    approved: z.boolean().optional(),
    reviewer_count: z.number().int().optional(),
    mergeable: z
      .boolean()
      .optional()
      .describe('Whether the PR merges without conflicts; omitted while the provider has not computed it (unknown)'),
    mergeable_state: z
      .string()
      .optional()
      .describe("GitHub's mergeable_state: clean, dirty (conflicts), blocked, unstable, behind, draft, unknown"),
    requested_reviewer_count: z
      .number()
      .int()
      .optional()
      .describe('Reviewers (and teams) asked for a review who have not given one yet'),
    labels: z.array(z.string()).optional().describe("The PR's label names"),
    checks_state: z
      .enum(CHECKS_STATES)
      .optional()
      .describe(
        "The head commit's CI checks (check runs and commit statuses): failure if any failed, else pending if any " +
          'is queued or running, else success if any passed, else neutral; omitted when the commit has no checks',
      ),
    checks_passed: z.number().int().optional(),
    checks_failed: z.number().int().optional(),
    checks_pending: z.number().int().optional(),
    refreshed_at: z.iso.datetime().optional(),
    stale_at: z.iso.datetime().optional(),
    /** The last refresh met a rate limit: the row waits until then (what the sidebar shows). */
    rate_limited_until: z.iso.datetime().optional(),
  }),
  "A chat's pull-request status; optional fields are omitted when unknown. `rate_limited_until` is " +
    "present when the last refresh met the owner's rate limit: the status is refreshed again then.",
);
export type DiffStatusJson = z.infer<typeof diffStatusSchema>;

export const chatStatusSchema = z.enum(CHAT_STATUSES);
export type ChatStatusJson = z.infer<typeof chatStatusSchema>;

export const chatSchema = named(
  'Chat',
  z.object({
    id: z.uuid(),
    owner_id: z.uuid(),
    title: z.string(),
    status: chatStatusSchema,
    archived: z.boolean(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
    diff_status: diffStatusSchema.optional(),
  }),
);
export type ChatJson = z.infer<typeof chatSchema>;

/** SPEC §7: what every change of a chat's diff status publishes. */
export const diffStatusChangeEventSchema = named(
  'DiffStatusChangeEvent',
  z.object({ kind: z.literal('diff_status_change'), chat: chatSchema }),
);
export type DiffStatusChangeEvent = z.infer<typeof diffStatusChangeEventSchema>;

/** The pub/sub channel of one owner's chats. */
export const ownerChannel = (ownerId: string): string => `chat:owner:${ownerId}`;

/** Every owner's channel, for a subscriber that sees all chats (admins). */
export const allOwnersPattern = 'chat:owner:*';
