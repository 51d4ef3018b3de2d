import { z } from 'zod';

/** SPEC §6: the Go system's ChatDiffStatus field names; `?` fields are omitted when null. */
export const diffStatusSchema = z.object({
  chat_id: z.uuid(),
  url: z.string().optional(),
  pull_request_state: z.enum(['open', 'closed', 'merged']).optional(),
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
  refreshed_at: z.iso.datetime().optional(),
  stale_at: z.iso.datetime().optional(),
});
export type DiffStatusJson = z.infer<typeof diffStatusSchema>;

export const chatStatusSchema = z.enum(['waiting', 'pending', 'running', 'paused', 'completed', 'error']);

export const chatSchema = z.object({
  id: z.uuid(),
  owner_id: z.uuid(),
  title: z.string(),
  status: chatStatusSchema,
  archived: z.boolean(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
  diff_status: diffStatusSchema.optional(),
});
export type ChatJson = z.infer<typeof chatSchema>;

/** SPEC §7: what every change of a chat's diff status publishes. */
export interface DiffStatusChangeEvent {
  kind: 'diff_status_change';
  chat: ChatJson;
}

/** The pub/sub channel of one owner's chats. */
export const ownerChannel = (ownerId: string): string => `chat:owner:${ownerId}`;
