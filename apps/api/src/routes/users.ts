import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  addApiKey,
  createUser,
  deleteExternalAuthLink,
  generateApiKey,
  getUserById,
  isUniqueViolation,
  markOwnerDue,
  upsertExternalAuthLink,
} from '@gitsync/db';
import { wakeSchedulers } from '@gitsync/queue';
import { requireAdmin, resolveUser } from '../auth.js';
import type { ApiContext } from '../context.js';
import { HttpError } from '../errors.js';

const userParam = z.union([z.literal('me'), z.uuid()]);

export function userRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/v1/users',
    {
      schema: {
        body: z.strictObject({
          username: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1 to 64)'),
          role: z.enum(['member', 'admin']).default('member'),
        }),
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

  const linkParams = z.object({ user: userParam, provider: z.string().min(1) });

  r.put(
    '/api/v1/users/:user/external-auth/:provider',
    {
      schema: {
        params: linkParams,
        body: z.strictObject({
          access_token: z.string().min(1),
          refresh_token: z.string().min(1).nullish(),
          expires_at: z.iso.datetime({ offset: true }).nullish(),
        }),
      },
    },
    async (request, reply) => {
      const userId = resolveUser(request, request.params.user);
      const providerId = knownProvider(ctx, request.params.provider);
      if (!(await getUserById(ctx.db, userId))) throw new HttpError(404, 'user not found');
      await upsertExternalAuthLink(ctx.db, {
        providerId,
        userId,
        accessToken: request.body.access_token,
        refreshToken: request.body.refresh_token ?? null,
        expiresAt: request.body.expires_at ? new Date(request.body.expires_at) : null,
      });
      // Rows waiting out the no-token backoff should not wait ten minutes more.
      if ((await markOwnerDue(ctx.db, userId)) > 0) await wakeSchedulers(ctx.redis, ctx.queuePrefix);
      return reply.code(204).send();
    },
  );

  r.delete('/api/v1/users/:user/external-auth/:provider', { schema: { params: linkParams } }, async (request, reply) => {
    const userId = resolveUser(request, request.params.user);
    const providerId = knownProvider(ctx, request.params.provider);
    if (!(await deleteExternalAuthLink(ctx.db, providerId, userId))) throw new HttpError(404, 'no token linked');
    return reply.code(204).send();
  });
}

function knownProvider(ctx: ApiContext, id: string): string {
  if (!ctx.providers.some((p) => p.id === id)) {
    throw new HttpError(404, `unknown provider ${id}`, `configured: ${ctx.providers.map((p) => p.id).join(', ') || 'none'}`);
  }
  return id;
}
