import { z } from 'zod';
import { named } from './registry.js';
import { apiKeyNameText } from './text.js';

/** `POST /api/v1/users/{user}/api-keys`: a name for the key, to tell it apart later (not secret). */
export const createApiKeyBody = z.strictObject({
  name: apiKeyNameText.default(''),
});
export type CreateApiKeyInput = z.input<typeof createApiKeyBody>;

export const apiKeySourceSchema = z.enum(['env', 'api']);

export const apiKeySchema = named(
  'ApiKey',
  z.object({
    id: z.uuid(),
    name: z.string(),
    /** `env`: the admin key of GITSYNC_ADMIN_API_KEY (replaced when it changes); `api`: made through the API. */
    source: apiKeySourceSchema.optional(),
    created_at: z.iso.datetime(),
    last_used_at: z.iso.datetime().optional(),
  }),
  'An API key without its secret, which is shown once, at creation, and stored only hashed.',
);
export type ApiKeyJson = z.infer<typeof apiKeySchema>;

export const createdApiKeySchema = named(
  'CreatedApiKey',
  apiKeySchema.extend({ api_key: z.string() }),
  'The new key; `api_key` is the secret, shown this once.',
);
export type CreatedApiKeyJson = z.infer<typeof createdApiKeySchema>;

export const apiKeyListSchema = named(
  'ApiKeyList',
  z.object({ api_keys: z.array(apiKeySchema) }),
  "A user's API keys, oldest first.",
);
export type ApiKeyListJson = z.infer<typeof apiKeyListSchema>;
