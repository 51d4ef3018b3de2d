import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findRowsForPullRequest } from '@gitsync/db';
import type { RefreshProducer } from '@gitsync/queue';
import { repositoryKey } from '@gitsync/gitprovider';
import { decide, verifySignature } from '@gitsync/webhooks';
import type { ApiContext } from '../context.js';
import { HttpError } from '../errors.js';

/** GitHub's own cap on a delivery. */
const MAX_DELIVERY_BYTES = 25 * 1024 * 1024;
/** GitHub redelivers for up to a few days; a day of memory catches its retries. */
const DELIVERY_MEMORY_SECONDS = 24 * 3600;

/**
 * `POST /api/v1/webhooks/{provider}`: GitHub tells us a pull request changed; the rows tracking it
 * are refreshed at once, ahead of the background work. Polling stays as the fallback — a lost
 * delivery only delays a status to its next due time.
 */
export async function webhookRoutes(app: FastifyInstance, ctx: ApiContext, producer: RefreshProducer): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onRequest', refuseUnsigned(ctx));
    // The signature covers the exact bytes GitHub sent: keep the body as text and parse it ourselves.
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: MAX_DELIVERY_BYTES },
      (_req, body, done) => done(null, body),
    );
    scope
      .withTypeProvider<ZodTypeProvider>()
      .post(
        '/api/v1/webhooks/:provider',
        { schema: { params: z.object({ provider: z.string().min(1) }), hide: true } },
        async (request, reply) => {
          const provider = ctx.providers.find((p) => p.id === request.params.provider);
          if (!provider?.webhookSecret)
            throw new HttpError(404, `no webhooks configured for provider ${request.params.provider}`);
          const raw = typeof request.body === 'string' ? request.body : '';
          const signature = request.headers['x-hub-signature-256'];
          if (
            !(await verifySignature(provider.webhookSecret, raw, typeof signature === 'string' ? signature : undefined))
          ) {
            throw new HttpError(
              401,
              'invalid signature',
              'X-Hub-Signature-256 must be the HMAC-SHA256 of the body with the webhook secret',
            );
          }
          let body: unknown;
          try {
            body = JSON.parse(raw);
          } catch {
            throw new HttpError(400, 'invalid body', 'the delivery is not JSON');
          }
          const decision = decide(header(request.headers['x-github-event']), body);
          if (decision.kind === 'ping') return { ok: true };
          if (decision.kind === 'invalid') throw new HttpError(400, 'invalid body', decision.reason);
          if (decision.kind === 'ignored') return reply.code(202).send({ ignored: decision.reason });

          const delivery = header(request.headers['x-github-delivery']);
          const seenKey = delivery && `${ctx.queuePrefix}:webhook:delivery:${delivery}`;
          if (seenKey) {
            const first = await ctx.redis.set(seenKey, '1', 'EX', DELIVERY_MEMORY_SECONDS, 'NX');
            if (first !== 'OK') return reply.code(202).send({ duplicate: true });
          }
          const { target } = decision;
          let rows: Awaited<ReturnType<typeof findRowsForPullRequest>>;
          try {
            rows = await findRowsForPullRequest(ctx.db, {
              url: target.url,
              head: {
                repoKey: target.headRepositoryUrl && repositoryKey(target.headRepositoryUrl),
                branch: target.headBranch,
              },
            });
            await Promise.all(rows.map((row) => producer.enqueueOnDemand(row)));
          } catch (err) {
            // Not done: GitHub's redelivery of this id must not be taken for a duplicate.
            if (seenKey) await ctx.redis.del(seenKey).catch(() => undefined);
            throw err;
          }
          request.log.info(
            { event: decision.event, action: decision.action, pr: target.url, rows: rows.length },
            'webhook',
          );
          return reply.code(202).send({ refreshing: rows.length });
        },
      );
  });
}

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * Refuses, before a byte of the body is read, what cannot be a delivery of a configured webhook:
 * an unknown provider (404), no signature (401), no delivery id (400). Anyone can reach this URL;
 * reading 25 MiB to find that out would let them fill our memory. The connection is closed with
 * the answer, so the announced body is not drained either.
 */
function refuseUnsigned(ctx: ApiContext) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const { provider: id } = request.params as { provider?: string };
    const refuse = (error: HttpError): never => {
      reply.header('connection', 'close');
      throw error;
    };
    if (!ctx.providers.some((p) => p.id === id && p.webhookSecret))
      refuse(new HttpError(404, `no webhooks configured for provider ${id}`));
    if (!header(request.headers['x-hub-signature-256'])) {
      refuse(
        new HttpError(
          401,
          'missing signature',
          'send X-Hub-Signature-256: the HMAC-SHA256 of the body with the webhook secret',
        ),
      );
    }
    if (!header(request.headers['x-github-delivery']))
      refuse(new HttpError(400, 'missing delivery id', 'send X-GitHub-Delivery, as GitHub does'));
  };
}
