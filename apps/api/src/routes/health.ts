import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';

export function healthRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  /** Ready when Postgres and Redis both answer; a load balancer stops sending traffic otherwise. */
  app.get('/readyz', async (_request, reply) => {
    const [postgres, redis] = await Promise.allSettled([ctx.db.execute(sql`select 1`), ctx.redis.ping()]);
    const checks = { postgres: postgres.status === 'fulfilled', redis: redis.status === 'fulfilled' };
    const ready = checks.postgres && checks.redis;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks });
  });
}
