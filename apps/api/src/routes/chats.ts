import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  chatPageSchema,
  chatSchema,
  createChatBody,
  diffStatusSchema,
  errorSchema,
  gitReportBody,
  gitReportResultSchema,
  listChatsQuery,
  updateChatBody,
} from '@gitsync/contracts';
import {
  createChat,
  diffStatusChange,
  getUserById,
  getVisibleChat,
  listChats,
  markStale,
  toChatJson,
  toDiffStatusJson,
  updateChat,
  type ChatPosition,
  type Viewer,
} from '@gitsync/db';
import { normalizeOrigin } from '@gitsync/gitprovider';
import { wakeSchedulers } from '@gitsync/queue';
import type { ApiContext } from '../context.js';
import { HttpError, notFound, authenticatedErrors } from '../errors.js';

const chatParams = z.object({ chat: z.uuid() });

/**
 * The listing cursor: base64url of `${updated_at}|${id}` for the last chat of a page, as that page
 * served it (updated_at in UTC to the microsecond). Opaque to clients; only this file reads it.
 */
export const encodeChatCursor = (p: ChatPosition): string =>
  Buffer.from(`${p.updatedAt}|${p.id}`).toString('base64url');

const CURSOR_TIME = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const CURSOR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The position a cursor holds, or null when it is not one this API handed out. */
export function decodeChatCursor(cursor: string): ChatPosition | null {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (parts.length !== 2) return null;
  const [updatedAt = '', id = ''] = parts;
  const time = CURSOR_TIME.exec(updatedAt);
  if (!time || time[1] === '0000' || !CURSOR_ID.test(id)) return null;
  // A real instant (no 30 February): the millisecond part must survive a round trip through Date.
  const ms = `${updatedAt.slice(0, 23)}Z`;
  const parsed = Date.parse(ms);
  if (Number.isNaN(parsed) || new Date(parsed).toISOString() !== ms) return null;
  const position = { updatedAt, id };
  // Canonical only: base64url decoding skips stray characters, so compare the round trip.
  return encodeChatCursor(position) === cursor ? position : null;
}

export function chatRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  const visibleChat = async (viewer: Viewer, chatId: string) => {
    const found = await getVisibleChat(ctx.db, viewer, chatId);
    if (!found) throw notFound('chat');
    return found;
  };

  r.post(
    '/api/v1/chats',
    {
      schema: {
        tags: ['chats'],
        operationId: 'createChat',
        summary: 'Create a chat (admins: for any owner)',
        body: createChatBody,
        response: { 201: chatSchema, 403: errorSchema, ...authenticatedErrors },
      },
    },
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
        tags: ['chats'],
        operationId: 'listChats',
        summary: 'List chats, newest (updated_at, id) first; members see their own, admins all',
        querystring: listChatsQuery,
        response: { 200: chatPageSchema, ...authenticatedErrors },
      },
    },
    async (request) => {
      const { limit, cursor, owner_id: ownerId } = request.query;
      const after = cursor === undefined ? null : decodeChatCursor(cursor);
      if (cursor !== undefined && !after) {
        throw new HttpError(
          400,
          'invalid querystring',
          "cursor: not a cursor this API handed out; pass a page's next_cursor as it came",
        );
      }
      // One row more than asked tells whether another page follows, without a count query.
      const rows = await listChats(ctx.db, {
        viewer: request.viewer,
        limit: limit + 1,
        ...(after && { after }),
        ...(ownerId && { ownerId }),
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        chats: page.map((row) => toChatJson(row.chat, row.status)),
        ...(rows.length > limit && last && { next_cursor: encodeChatCursor(last.position) }),
      };
    },
  );

  r.get(
    '/api/v1/chats/:chat',
    {
      schema: {
        tags: ['chats'],
        operationId: 'getChat',
        summary: 'One chat with its diff status',
        params: chatParams,
        response: { 200: chatSchema, ...authenticatedErrors },
      },
    },
    async (request) => {
      const { chat, status } = await visibleChat(request.viewer, request.params.chat);
      return toChatJson(chat, status);
    },
  );

  r.patch(
    '/api/v1/chats/:chat',
    {
      schema: {
        tags: ['chats'],
        operationId: 'updateChat',
        summary: 'Update title, status or archived',
        params: chatParams,
        body: updateChatBody,
        response: { 200: chatSchema, ...authenticatedErrors },
      },
    },
    async (request) => {
      const { status } = await visibleChat(request.viewer, request.params.chat);
      const chat = await updateChat(ctx.db, request.params.chat, request.body);
      if (!chat) throw notFound('chat');
      return toChatJson(chat, status);
    },
  );

  r.post(
    '/api/v1/chats/:chat/git',
    {
      schema: {
        tags: ['chats'],
        operationId: 'reportGit',
        summary: "The agent's report of the chat's branch: marks the diff status stale",
        params: chatParams,
        body: gitReportBody,
        response: { 202: gitReportResultSchema, ...authenticatedErrors },
      },
    },
    async (request, reply) => {
      const { chat } = await visibleChat(request.viewer, request.params.chat);
      const status = await markStale(ctx.db, {
        chatId: chat.id,
        branch: request.body.branch.trim(),
        // Credentials embedded in the origin or the PR url, in any spelling, never reach the database.
        remoteOrigin: normalizeOrigin(request.body.remote_origin.trim()),
        pullRequestUrl: request.body.pull_request_url ? normalizeOrigin(request.body.pull_request_url) : null,
        headSha: request.body.head_sha?.toLowerCase() ?? null,
      });
      if (!status) return reply.code(202).send({ accepted: false, reason: 'branch or remote_origin is empty' });
      await ctx.publisher.publish(diffStatusChange(chat, status));
      await wakeSchedulers(ctx.redis, ctx.queuePrefix);
      return reply.code(202).send({ accepted: true, diff_status: toDiffStatusJson(status) });
    },
  );

  r.get(
    '/api/v1/chats/:chat/diff-status',
    {
      schema: {
        tags: ['chats'],
        operationId: 'getDiffStatus',
        summary: 'The stored diff status',
        params: chatParams,
        response: { 200: diffStatusSchema, ...authenticatedErrors },
      },
    },
    async (request) => {
      const { status } = await visibleChat(request.viewer, request.params.chat);
      if (!status) throw notFound('diff status');
      return toDiffStatusJson(status);
    },
  );
}
