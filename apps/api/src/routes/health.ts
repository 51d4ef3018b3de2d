import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiContext } from '../context.js';

const readiness = z.object({
  status: z.enum(['ready', 'unavailable']),
  checks: z.object({ postgres: z.boolean(), redis: z.boolean() }),
});

export function healthRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const open = { tags: ['operations'], security: [] };

  r.get(
    '/healthz',
    {
      schema: {
        ...open,
        operationId: 'getHealth',
        summary: 'Liveness',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({
      status: 'ok' as const,
    }),
  );

  /** Ready when Postgres and Redis both answer; a load balancer stops sending traffic otherwise. */
  r.get(
    '/readyz',
    {
      schema: {
        ...open,
        operationId: 'getReadiness',
        summary: 'Readiness: Postgres and Redis reachable',
        response: { 200: readiness, 503: readiness },
      },
    },
    async (_request, reply) => {
      const [postgres, redis] = await Promise.allSettled([ctx.db.execute(sql`select 1`), ctx.redis.ping()]);
      const checks = { postgres: postgres.status === 'fulfilled', redis: redis.status === 'fulfilled' };
      const ready = checks.postgres && checks.redis;
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks });
    },
  );
}
