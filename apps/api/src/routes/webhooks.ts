import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ProviderConfig } from '@gitsync/config';
import { findRowsForCommit, findRowsForPullRequest, type RowVersion } from '@gitsync/db';
import type { RefreshProducer } from '@gitsync/queue';
import { repositoryKey } from '@gitsync/gitprovider';
import { webhookHandlers, type WebhookDecision, type WebhookHandler } from '@gitsync/webhooks';
import type { ApiContext } from '../context.js';
import { HttpError } from '../errors.js';

/** GitHub's cap on a delivery (GitLab's is lower). */
const MAX_DELIVERY_BYTES = 25 * 1024 * 1024;
/** Providers redeliver for up to a few days; a day of memory catches their retries. */
const DELIVERY_MEMORY_SECONDS = 24 * 3600;

/** The provider a delivery is addressed to, with its secret and its type's handler; null when it takes none. */
function receiverOf(ctx: ApiContext, id: string | undefined): { secret: string; handler: WebhookHandler } | null {
  const provider: ProviderConfig | undefined = ctx.providers.find((p) => p.id === id);
  if (!provider?.webhookSecret) return null;
  return { secret: provider.webhookSecret, handler: webhookHandlers[provider.type] };
}

/**
 * `POST /api/v1/webhooks/{provider}`: the provider tells us a pull request changed; the rows
 * tracking it are refreshed at once, ahead of the background work. How a delivery is checked and
 * read is its provider type's handler (@gitsync/webhooks); what follows is the same for all.
 * Polling stays as the fallback — a lost delivery only delays a status to its next due time.
 */
export async function webhookRoutes(app: FastifyInstance, ctx: ApiContext, producer: RefreshProducer): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onRequest', refuseUnsigned(ctx));
    // A signature covers the exact bytes sent: keep the body as text and parse it ourselves.
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
          const receiver = receiverOf(ctx, request.params.provider);
          if (!receiver) throw new HttpError(404, `no webhooks configured for provider ${request.params.provider}`);
          const { handler, secret } = receiver;
          const raw = typeof request.body === 'string' ? request.body : '';
          if (!(await handler.verify(secret, raw, request.headers)))
            throw new HttpError(401, handler.unauthentic.message, handler.unauthentic.detail);
          let body: unknown;
          try {
            body = JSON.parse(raw);
          } catch {
            throw new HttpError(400, 'invalid body', 'the delivery is not JSON');
          }
          const decision = handler.decide(request.headers, body);
          if (decision.kind === 'ping') return { ok: true };
          if (decision.kind === 'invalid') throw new HttpError(400, 'invalid body', decision.reason);
          if (decision.kind === 'ignored') return reply.code(202).send({ ignored: decision.reason });

          const delivery = handler.deliveryId(request.headers);
          const seenKey = delivery && `${ctx.queuePrefix}:webhook:delivery:${request.params.provider}:${delivery}`;
          if (seenKey) {
            const first = await ctx.redis.set(seenKey, '1', 'EX', DELIVERY_MEMORY_SECONDS, 'NX');
            if (first !== 'OK') return reply.code(202).send({ duplicate: true });
          }
          let rows: RowVersion[];
          try {
            rows = await rowsOf(ctx, decision);
            await Promise.all(rows.map((row) => producer.enqueueOnDemand(row)));
          } catch (err) {
            // Not done: the provider's redelivery of this id must not be taken for a duplicate.
            if (seenKey) await ctx.redis.del(seenKey).catch(() => undefined);
            throw err;
          }
          const about = decision.kind === 'refresh' ? { pr: decision.target.url } : { commit: decision.commit.headSha };
          request.log.info({ event: decision.event, action: decision.action, ...about, rows: rows.length }, 'webhook');
          return reply.code(202).send({ refreshing: rows.length });
        },
      );
  });
}

/** The rows a delivery concerns: those of its pull request, or those whose PR head is its commit. */
function rowsOf(
  ctx: ApiContext,
  decision: Extract<WebhookDecision, { kind: 'refresh' | 'recheck' }>,
): Promise<RowVersion[]> {
  if (decision.kind === 'recheck') return findRowsForCommit(ctx.db, decision.commit.headSha);
  const { target } = decision;
  return findRowsForPullRequest(ctx.db, {
    url: target.url,
    head: {
      repoKey: target.headRepositoryUrl && repositoryKey(target.headRepositoryUrl),
      branch: target.headBranch,
    },
  });
}

/**
 * Refuses, before a byte of the body is read, what cannot be a delivery of a configured webhook:
 * an unknown provider (404), then what its type's handler finds missing in the headers (no
 * signature or token: 401, no delivery id: 400). Anyone can reach this URL; reading 25 MiB to find
 * that out would let them fill our memory. The connection is closed with the answer, so the
 * announced body is not drained either.
 */
function refuseUnsigned(ctx: ApiContext) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const { provider: id } = request.params as { provider?: string };
    const refuse = (error: HttpError): never => {
      reply.header('connection', 'close');
      throw error;
    };
    const receiver = receiverOf(ctx, id);
    if (!receiver) refuse(new HttpError(404, `no webhooks configured for provider ${id}`));
    const refusal = receiver!.handler.refuseHeaders(request.headers);
    if (refusal) refuse(new HttpError(refusal.status, refusal.message, refusal.detail));
  };
}
