import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  apiKeyListSchema,
  createApiKeyBody,
  createdApiKeySchema,
  errorSchema,
  type ApiKeyJson,
} from '@gitsync/contracts';
import { createApiKey, listApiKeys, revokeApiKey, TooManyApiKeysError, type ApiKeyInfo } from '@gitsync/db';
import { resolveUser } from '../auth.js';
import type { ApiContext } from '../context.js';
import { HttpError, authenticatedErrors } from '../errors.js';
import { keyRevokedChannel } from '../key-revocations.js';

export interface ApiKeyRoutesOptions {
  /** Keys one user may hold (creating more answers 409), so that minting keys cannot multiply per-key quotas. */
  maxPerUser: number;
}

const userParam = z.union([z.literal('me'), z.uuid()]);

/**
 * `/api/v1/users/{user}/api-keys`: a user's keys (`me`, or anyone's for admins). The secret is in
 * the creation's answer only; a revoked key fails on every replica at once (keys are looked up in
 * Postgres on each request) and its open event streams are closed.
 */
export function apiKeyRoutes(app: FastifyInstance, ctx: ApiContext, options: ApiKeyRoutesOptions): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/v1/users/:user/api-keys',
    {
      schema: {
        tags: ['users'],
        operationId: 'createApiKey',
        summary: 'Create an API key; its secret is shown this once',
        params: z.object({ user: userParam }),
        body: createApiKeyBody,
        response: { 201: createdApiKeySchema, 409: errorSchema, ...authenticatedErrors },
      },
    },
    async (request, reply) => {
      const userId = resolveUser(request, request.params.user);
      const created = await createApiKey(ctx.db, userId, { name: request.body.name, max: options.maxPerUser }).catch(
        (err: unknown) => {
          if (err instanceof TooManyApiKeysError)
            throw new HttpError(409, err.message, 'revoke a key first: DELETE /api/v1/users/{user}/api-keys/{id}');
          throw err;
        },
      );
      if (!created) throw new HttpError(404, 'user not found');
      return reply.code(201).send({ ...toApiKeyJson(created), api_key: created.secret });
    },
  );

  r.get(
    '/api/v1/users/:user/api-keys',
    {
      schema: {
        tags: ['users'],
        operationId: 'listApiKeys',
        summary: "List a user's API keys (never their secrets)",
        params: z.object({ user: userParam }),
        response: { 200: apiKeyListSchema, ...authenticatedErrors },
      },
    },
    async (request) => ({
      api_keys: (await listApiKeys(ctx.db, resolveUser(request, request.params.user))).map(toApiKeyJson),
    }),
  );

  r.delete(
    '/api/v1/users/:user/api-keys/:id',
    {
      schema: {
        tags: ['users'],
        operationId: 'revokeApiKey',
        summary: 'Revoke an API key, at once on every replica',
        params: z.object({ user: userParam, id: z.uuid() }),
        response: { 204: z.null().describe('No content'), ...authenticatedErrors },
      },
    },
    async (request, reply) => {
      const userId = resolveUser(request, request.params.user);
      if (!(await revokeApiKey(ctx.db, userId, request.params.id))) throw new HttpError(404, 'API key not found');
      // Event streams opened with it, on any replica, close (events.ts listens on this channel).
      await ctx.redis
        .publish(keyRevokedChannel(ctx.queuePrefix), request.params.id)
        .catch((err: unknown) =>
          request.log.warn({ err }, 'revoked key: its open event streams were not told to close'),
        );
      return reply.code(204).send(null);
    },
  );
}

function toApiKeyJson(key: ApiKeyInfo): ApiKeyJson {
  return {
    id: key.id,
    name: key.name,
    ...(key.source && { source: key.source }),
    created_at: key.createdAt.toISOString(),
    ...(key.lastUsedAt && { last_used_at: key.lastUsedAt.toISOString() }),
  };
}
