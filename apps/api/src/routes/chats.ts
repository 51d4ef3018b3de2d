import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { chatStatusSchema, diffStatusChange, toChatJson, toDiffStatusJson } from '@gitsync/contracts';
import { createChat, getUserById, getVisibleChat, listChats, markStale, updateChat } from '@gitsync/db';
import { normalizeOrigin } from '@gitsync/gitprovider';
import { wakeSchedulers } from '@gitsync/queue';
import type { ApiContext } from '../context.js';
import { HttpError, notFound } from '../errors.js';

const chatParams = z.object({ chat: z.uuid() });

export function chatRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  const visibleChat = async (request: { viewer: { id: string; role: 'member' | 'admin' } }, chatId: string) => {
    const found = await getVisibleChat(ctx.db, request.viewer, chatId);
    if (!found) throw notFound('chat');
    return found;
  };

  r.post(
    '/api/v1/chats',
    { schema: { body: z.strictObject({ title: z.string().max(1000).optional(), owner_id: z.uuid().optional() }) } },
    async (request, reply) => {
      const ownerId = request.body.owner_id ?? request.viewer.id;
      if (ownerId !== request.viewer.id) {
        if (request.viewer.role !== 'admin') throw new HttpError(403, 'only admins create chats for others');
        if (!(await getUserById(ctx.db, ownerId))) throw new HttpError(400, 'invalid body', 'owner_id: no such user');
      }
      const chat = await createChat(ctx.db, { ownerId, title: request.body.title ?? '' });
      return reply.code(201).send(toChatJson(chat, null));
    },
  );

  r.get(
    '/api/v1/chats',
    {
      schema: {
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(100).default(25),
          after_id: z.uuid().optional(),
          owner_id: z.uuid().optional(),
        }),
      },
    },
    async (request) => {
      const { limit, after_id: afterId, owner_id: ownerId } = request.query;
      const rows = await listChats(ctx.db, {
        viewer: request.viewer,
        limit,
        ...(afterId && { afterId }),
        ...(ownerId && { ownerId }),
      });
      return { chats: rows.map((row) => toChatJson(row.chat, row.status)) };
    },
  );

  r.get('/api/v1/chats/:chat', { schema: { params: chatParams } }, async (request) => {
    const { chat, status } = await visibleChat(request, request.params.chat);
    return toChatJson(chat, status);
  });

  r.patch(
    '/api/v1/chats/:chat',
    {
      schema: {
        params: chatParams,
        body: z.strictObject({ title: z.string().max(1000).optional(), status: chatStatusSchema.optional(), archived: z.boolean().optional() }),
      },
    },
    async (request) => {
      const { status } = await visibleChat(request, request.params.chat);
      const chat = await updateChat(ctx.db, request.params.chat, request.body);
      if (!chat) throw notFound('chat');
      return toChatJson(chat, status);
    },
  );

  r.post(
    '/api/v1/chats/:chat/git',
    {
      schema: {
        params: chatParams,
        body: z.strictObject({
          branch: z.string().max(1024),
          remote_origin: z.string().max(2048),
          pull_request_url: z.url().max(2048).nullish(),
        }),
      },
    },
    async (request, reply) => {
      const { chat } = await visibleChat(request, request.params.chat);
      const status = await markStale(ctx.db, {
        chatId: chat.id,
        branch: request.body.branch.trim(),
        // Credentials embedded in an https origin never reach the database.
        remoteOrigin: normalizeOrigin(request.body.remote_origin.trim()),
        pullRequestUrl: request.body.pull_request_url ?? null,
      });
      if (!status) return reply.code(202).send({ accepted: false, reason: 'branch or remote_origin is empty' });
      await ctx.publisher.publish(diffStatusChange(chat, status));
      await wakeSchedulers(ctx.redis, ctx.queuePrefix);
      return reply.code(202).send({ accepted: true, diff_status: toDiffStatusJson(status) });
    },
  );

  r.get('/api/v1/chats/:chat/diff-status', { schema: { params: chatParams } }, async (request) => {
    const { status } = await visibleChat(request, request.params.chat);
    if (!status) throw notFound('diff status');
    return toDiffStatusJson(status);
  });
}
