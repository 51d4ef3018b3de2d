import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorSchema } from '@gitsync/contracts';
import { getVisibleChat } from '@gitsync/db';
import type { ApiContext } from '../context.js';
import type { DiffSource } from '../diffs.js';
import { authenticatedErrors, notFound } from '../errors.js';

const chatParams = z.object({ chat: z.uuid() });
const failure = (description: string) => ({ description, content: { 'application/json': { schema: errorSchema } } });
const unifiedDiff = z.string().describe('A unified diff (`git diff` format), as the provider serves it');

/**
 * `GET /api/v1/chats/{chat}/diff`: what the chat's branch changed, streamed from the cache (the
 * provider is asked first, conditionally: an unchanged diff costs a 304).
 */
export function diffRoutes(app: FastifyInstance, ctx: ApiContext, diffs: DiffSource): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/chats/:chat/diff',
    {
      schema: {
        tags: ['chats'],
        operationId: 'getChatDiff',
        summary: "The unified diff of the chat's pull request (or branch)",
        description:
          "The pull request's diff; for a branch without one, the branch compared with the repository's " +
          "default branch. Read with the chat owner's token through the owner's rate-limit group, kept with " +
          'its ETag (a diff that did not change costs the provider a 304), served as `text/x-diff`. Diffs ' +
          'over 4 MiB answer 413.',
        params: chatParams,
        response: {
          200: { description: 'The diff', content: { 'text/x-diff': { schema: unifiedDiff } } },
          409: failure("The owner has no usable token for the chat's provider"),
          413: failure('The diff is larger than 4 MiB'),
          422: failure("No provider is configured for the chat's origin, or its url or origin cannot be read"),
          501: failure("The chat's provider serves no diffs"),
          502: failure('The provider failed'),
          503: failure("The owner's token is rate limited by the provider (see Retry-After)"),
          ...authenticatedErrors,
        },
      },
    },
    async (request, reply) => {
      const found = await getVisibleChat(ctx.db, request.viewer, request.params.chat);
      if (!found) throw notFound('chat');
      const diff = await diffs.read(found.chat.ownerId, found.status);
      reply.header('content-length', String(diff.bytes));
      // A stream is piped as it is (never serialized): the typed reply only knows the JSON shapes.
      return reply.type('text/x-diff; charset=utf-8').send(diff.stream() as never);
    },
  );
}
