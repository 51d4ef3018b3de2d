import { z } from 'zod';
import { chatSchema, chatStatusSchema, diffStatusSchema } from './chat.js';
import { apiSchemaRegistry, named } from './registry.js';
import { RATE_LIMIT_BLOCK_KINDS, REFRESH_OUTCOMES, USER_ROLES } from './vocabulary.js';
import { branchText, originText, pullRequestUrlText, titleText, tokenText } from './text.js';

/**
 * Request and response shapes of the HTTP API (SPEC §6). The server validates with them and
 * derives its OpenAPI description from them; the SDK takes its types from them. Request bodies
 * are strict: an unknown field is a mistake worth a 400, not something to drop silently. Every
 * text field that reaches Postgres is one of the kinds of `text.ts`.
 */

export const errorSchema = named(
  'Error',
  z.object({ message: z.string(), detail: z.string().optional() }),
  'Every error: what went wrong, and where it helps, which field or value.',
);
export type ErrorJson = z.infer<typeof errorSchema>;

export const roleSchema = z.enum(USER_ROLES);

export const createUserBody = z.strictObject({
  username: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1 to 64)'),
  role: roleSchema.default('member'),
});
export type CreateUserInput = z.input<typeof createUserBody>;

export const createdUserSchema = named(
  'CreatedUser',
  z.object({ id: z.uuid(), username: z.string(), role: roleSchema, api_key: z.string() }),
  'The new user; `api_key` is shown this once and stored only hashed.',
);
export type CreatedUserJson = z.infer<typeof createdUserSchema>;

export const linkTokenBody = z.strictObject({
  access_token: tokenText,
  refresh_token: tokenText.nullish(),
  expires_at: z.iso.datetime({ offset: true }).nullish(),
});
export type LinkTokenInput = z.input<typeof linkTokenBody>;

export const externalAuthStatusSchema = named(
  'ExternalAuthStatus',
  z.object({
    provider: z.string(),
    /** A token is linked (the token itself is never shown). */
    linked: z.boolean(),
    /** When the linked token expires, if it says. */
    expires_at: z.iso.datetime().optional(),
    /** The provider's last known rate-limit figures for this user (x-ratelimit-*), when known. */
    rate_limit: z
      .object({
        remaining: z.number().int().optional(),
        limit: z.number().int().optional(),
        reset: z.iso.datetime().optional(),
      })
      .optional(),
    /** Present while this user's requests to the provider are held back: until when, and why. */
    blocked: z
      .object({
        until: z.iso.datetime(),
        kind: z.enum(RATE_LIMIT_BLOCK_KINDS),
      })
      .optional(),
  }),
  "A user's link to a provider and the budget it has left: whether a token is linked (never the token), " +
    'the last known rate-limit figures, and whether requests are held back and until when ' +
    '(`primary`: the hourly budget is spent; `secondary`: a per-minute or concurrency limit; ' +
    '`proactive`: gitsync stopped before the provider would refuse).',
);
export type ExternalAuthStatusJson = z.infer<typeof externalAuthStatusSchema>;

export const createChatBody = z.strictObject({
  title: titleText.optional(),
  owner_id: z.uuid().optional(),
});
export type CreateChatInput = z.input<typeof createChatBody>;

export const updateChatBody = z.strictObject({
  title: titleText.optional(),
  status: chatStatusSchema.optional(),
  archived: z.boolean().optional(),
});
export type UpdateChatInput = z.input<typeof updateChatBody>;

/** A field's description in the OpenAPI document (which reads the contracts' registry, not zod's global one). */
const described = <S extends z.ZodType>(schema: S, description: string): S => {
  apiSchemaRegistry.add(schema, { description });
  return schema;
};

export const listChatsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: described(
    z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, "not a cursor: pass a page's next_cursor as it came"),
    "Opaque keyset cursor: the previous page's `next_cursor`, unchanged. Leave it out for the first page.",
  ).optional(),
  owner_id: z.uuid().optional(),
});
/** The query as a client writes it (`limit` is coerced from the query string on the server). */
export type ListChatsInput = { limit?: number; cursor?: string; owner_id?: string };

export const chatPageSchema = named(
  'ChatPage',
  z.object({
    chats: z.array(chatSchema),
    /** Present when more chats follow: pass it as `cursor` for the next page. */
    next_cursor: described(
      z.string(),
      'Present when more chats follow: pass it, unchanged, as `cursor` for the next page. ' +
        'It holds the position the last chat was served at, ' +
        'so chats updated meanwhile neither repeat nor hide older ones.',
    ).optional(),
  }),
  'One page of chats, newest (updated_at, id) first; `next_cursor` is present when more follow.',
);
export type ChatPageJson = z.infer<typeof chatPageSchema>;

export const gitReportBody = z.strictObject({
  branch: branchText,
  remote_origin: originText,
  pull_request_url: pullRequestUrlText.nullish(),
  head_sha: described(
    z.string().regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i, 'a full commit SHA (40 or 64 hex digits)'),
    'The commit the branch is at. ' +
      'A closed or merged pull request of another commit is then not taken as this chat’s ' +
      '(the branch name was reused).',
  ).nullish(),
});
export type GitReportInput = z.input<typeof gitReportBody>;

export const gitReportResultSchema = named(
  'GitReportResult',
  z.object({ accepted: z.boolean(), reason: z.string().optional(), diff_status: diffStatusSchema.optional() }),
);
export type GitReportResultJson = z.infer<typeof gitReportResultSchema>;

/** How a refresh ended (the pipeline's outcome kinds), or `failed` when the job itself failed. */
export const refreshOutcomeSchema = z.enum([...REFRESH_OUTCOMES, 'failed']);
export type RefreshOutcomeJson = z.infer<typeof refreshOutcomeSchema>;

export const refreshInfoSchema = z.object({
  /** false: the wait ran out; the refresh is still queued or running and the status is the stored one. */
  completed: z.boolean(),
  outcome: refreshOutcomeSchema.optional(),
  error: z.string().optional(),
  /** When the row is due again (for `rate_limited`: when the provider lets this owner in again). */
  next_refresh_at: z.iso.datetime().optional(),
});
export type RefreshInfoJson = z.infer<typeof refreshInfoSchema>;

export const refreshedDiffStatusSchema = named(
  'RefreshedDiffStatus',
  diffStatusSchema.extend({ refresh: refreshInfoSchema }),
  'The diff status after an on-demand refresh, with how that refresh went.',
);
export type RefreshedDiffStatusJson = z.infer<typeof refreshedDiffStatusSchema>;
