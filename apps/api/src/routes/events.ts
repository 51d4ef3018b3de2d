import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { allOwnersPattern, errorSchema, ownerChannel } from '@gitsync/contracts';
import type { EventHub, Topic } from '@gitsync/events';
import { HttpError } from '../errors.js';
import { keyRevokedChannel } from '../key-revocations.js';
import type { StreamSlots } from '../stream-slots.js';

/** Documents the stream's body; replies are written by @fastify/sse, never by a serializer. */
const eventStream = z.string();

export interface EventRoutesOptions {
  hub: EventHub;
  /** Bounds the streams each API key holds open, across replicas. */
  slots: StreamSlots;
  /** The BullMQ prefix, which key revocations are announced under. */
  prefix: string;
  /** A client whose unsent events exceed this is too slow to follow and is disconnected. @defaultValue 1 MiB */
  maxBufferedBytes?: number;
}

/**
 * `GET /api/v1/events`: SSE of `diff_status_change` (SPEC §7), relayed from Redis pub/sub, so a
 * change made by any worker process reaches every API replica's streams. Members follow their own
 * channel, admins every owner's. The stream starts with a `ready` event once the subscription is
 * live; heartbeats (comment lines) come from @fastify/sse, Fastify's own SSE plugin, which also
 * handles headers, backpressure and the close of the connection.
 */
export function eventRoutes(app: FastifyInstance, options: EventRoutesOptions): void {
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const open = new Set<FastifyReply>();
  // An open stream would otherwise hold app.close() until the client leaves.
  app.addHook('preClose', async () => {
    for (const reply of open) reply.sse.close();
  });

  app.get(
    '/api/v1/events',
    {
      // A HEAD of a stream that never ends would never end either (the fuzzer found it hanging).
      exposeHeadRoute: false,
      // Messages arrive as JSON text from Redis; serializing them again would quote them.
      sse: { kind: 'only', serializer: (data: unknown) => (typeof data === 'string' ? data : JSON.stringify(data)) },
      schema: {
        tags: ['events'],
        operationId: 'streamEvents',
        summary: 'Server-sent events of the caller’s chats (admins: all chats)',
        description:
          'text/event-stream. First `event: ready`, then one `event: diff_status_change` per change ' +
          '(`data` is `{"kind":"diff_status_change","chat":Chat}`), and a `: heartbeat` comment when idle.',
        response: {
          200: {
            description: 'The stream, open until the client leaves',
            content: { 'text/event-stream': { schema: eventStream } },
          },
          401: errorSchema,
          429: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const { viewer } = request;
      const keyId = request.apiKeyId!;
      const release = await options.slots.take(keyId);
      if (!release) {
        throw new HttpError(
          429,
          'too many event streams',
          `at most ${options.slots.perKey} open event streams per API key; close one first`,
        );
      }
      const relay = (message: string) => {
        if (!reply.sse.isConnected) return;
        if (reply.raw.writableLength > maxBuffered) {
          request.log.warn({ viewer: viewer.id }, 'event stream client too slow; disconnecting');
          reply.sse.close();
          return;
        }
        reply.sse.send({ event: 'diff_status_change', data: message }).catch(() => reply.sse.close());
      };
      const stops: Array<() => Promise<void>> = [];
      const close = () => {
        open.delete(reply);
        for (const stop of stops.splice(0))
          stop().catch((err: unknown) => request.log.warn({ err }, 'unsubscribe failed'));
        release().catch((err: unknown) =>
          request.log.warn({ err }, 'event stream slot not released; its lease will lapse'),
        );
      };
      try {
        // A revoked key's streams close at once, whichever replica revoked it.
        stops.push(
          await options.hub.listen(
            { channel: keyRevokedChannel(options.prefix) },
            (revoked) => revoked === keyId && reply.sse.close(),
          ),
        );
        stops.push(await options.hub.listen(topic(viewer), relay));
      } catch (err) {
        close();
        throw err;
      }
      open.add(reply);
      reply.sse.onClose(close);
      // The client may have left while we subscribed, before onClose was registered.
      if (!reply.sse.isConnected) return close();
      reply.sse.keepAlive();
      await reply.sse.send({ event: 'ready', data: { scope: viewer.role === 'admin' ? 'all' : 'own' } });
    },
  );
}

/** Members follow their own chats' channel, admins every owner's. */
const topic = (viewer: { id: string; role: 'member' | 'admin' }): Topic =>
  viewer.role === 'admin' ? { pattern: allOwnersPattern } : { channel: ownerChannel(viewer.id) };
