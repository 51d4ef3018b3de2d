import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createdUserSchema,
  createUserBody,
  errorSchema,
  externalAuthStatusSchema,
  linkTokenBody,
  providerIdText,
  type ExternalAuthStatusJson,
} from '@gitsync/contracts';
import {
  addApiKey,
  createUser,
  deleteExternalAuthLink,
  generateApiKey,
  getExternalAuthLinkInfo,
  getUserById,
  isUniqueViolation,
  markOwnerDue,
  upsertExternalAuthLink,
} from '@gitsync/db';
import { rateLimitGroup } from '@gitsync/gitsync';
import { wakeSchedulers } from '@gitsync/queue';
import { readGroupBudget } from '@gitsync/rate-limits';
import { requireAdmin, resolveUser } from '../auth.js';
import type { ApiContext } from '../context.js';
import { HttpError, authenticatedErrors } from '../errors.js';

const userParam = z.union([z.literal('me'), z.uuid()]);

const noContent = z.null().describe('No content');

export function userRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/v1/users',
    {
      schema: {
        tags: ['users'],
        operationId: 'createUser',
        summary: 'Create a user (admins only); the API key is shown once',
        body: createUserBody,
        response: { 201: createdUserSchema, 403: errorSchema, 409: errorSchema, ...authenticatedErrors },
      },
    },
    async (request, reply) => {
      requireAdmin(request);
      const apiKey = generateApiKey();
      const user = await createUser(ctx.db, request.body).catch((err: unknown) => {
        if (isUniqueViolation(err)) throw new HttpError(409, `username ${request.body.username} is taken`);
        throw err;
      });
      await addApiKey(ctx.db, user.id, apiKey);
      return reply.code(201).send({ id: user.id, username: user.username, role: user.role, api_key: apiKey });
    },
  );

  const linkParams = z.object({ user: userParam, provider: providerIdText });

  r.put(
    '/api/v1/users/:user/external-auth/:provider',
    {
      schema: {
        tags: ['users'],
        operationId: 'linkExternalAuth',
        summary: 'Link a provider token for a user (`me`, or any user for admins)',
        params: linkParams,
        body: linkTokenBody,
        response: { 204: noContent, ...authenticatedErrors },
      },
    },
    async (request, reply) => {
      const userId = resolveUser(request, request.params.user);
      const providerId = knownProvider(ctx, request.params.provider);
      if (!(await getUserById(ctx.db, userId))) throw new HttpError(404, 'user not found');
      await upsertExternalAuthLink(
        ctx.db,
        {
          providerId,
          userId,
          accessToken: request.body.access_token,
          refreshToken: request.body.refresh_token ?? null,
          expiresAt: request.body.expires_at ? new Date(request.body.expires_at) : null,
        },
        ctx.tokenCipher ?? null,
      );
      // Rows waiting out the no-token backoff should not wait ten minutes more.
      if ((await markOwnerDue(ctx.db, userId)) > 0) await wakeSchedulers(ctx.redis, ctx.queuePrefix);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/v1/users/:user/external-auth/:provider',
    {
      schema: {
        tags: ['users'],
        operationId: 'getExternalAuth',
        summary: "A user's provider link and budget: linked or not (never the token), rate-limit figures, blocks",
        params: linkParams,
        response: { 200: externalAuthStatusSchema, ...authenticatedErrors },
      },
    },
    async (request) => {
      const userId = resolveUser(request, request.params.user);
      const providerId = knownProvider(ctx, request.params.provider);
      if (!(await getUserById(ctx.db, userId))) throw new HttpError(404, 'user not found');
      const [link, budget] = await Promise.all([
        getExternalAuthLinkInfo(ctx.db, providerId, userId),
        readGroupBudget(ctx.redis, ctx.queuePrefix, rateLimitGroup(providerId, userId)),
      ]);
      const figures = {
        ...(budget.remaining !== null && { remaining: budget.remaining }),
        ...(budget.limit !== null && { limit: budget.limit }),
        ...(budget.resetAt && { reset: budget.resetAt.toISOString() }),
      };
      const status: ExternalAuthStatusJson = {
        provider: providerId,
        linked: link !== null,
        ...(link?.expiresAt && { expires_at: link.expiresAt.toISOString() }),
        ...(Object.keys(figures).length > 0 && { rate_limit: figures }),
        ...(budget.blocked && {
          blocked: { until: budget.blocked.until.toISOString(), kind: budget.blocked.kind },
        }),
      };
      return status;
    },
  );

  r.delete(
    '/api/v1/users/:user/external-auth/:provider',
    {
      schema: {
        tags: ['users'],
        operationId: 'unlinkExternalAuth',
        summary: 'Unlink a provider token',
        params: linkParams,
        response: { 204: noContent, ...authenticatedErrors },
      },
    },
    async (request, reply) => {
      const userId = resolveUser(request, request.params.user);
      const providerId = knownProvider(ctx, request.params.provider);
      if (!(await deleteExternalAuthLink(ctx.db, providerId, userId))) throw new HttpError(404, 'no token linked');
      return reply.code(204).send(null);
    },
  );
}

function knownProvider(ctx: ApiContext, id: string): string {
  if (!ctx.providers.some((p) => p.id === id)) {
    throw new HttpError(
      404,
      `unknown provider ${id}`,
      `configured: ${ctx.providers.map((p) => p.id).join(', ') || 'none'}`,
    );
  }
  return id;
}
