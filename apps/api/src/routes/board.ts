import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { authenticateApiKey, type Database } from '@gitsync/db';
import { apiKeyOf } from '../auth.js';
import { tooManyFailures, type QuotaHandle } from '../quotas.js';
import { applyBoardPolicy } from '../security-headers.js';

export const BOARD_PATH = '/admin/queues';

/**
 * Bull Board for admins. Anyone else gets 401 with `WWW-Authenticate: Basic`, so a browser shows
 * its login prompt: the admin API key is the password (any username); `Bearer <key>` works too.
 * The check is a hook of this scope, answered directly rather than thrown, because Bull Board's
 * plugin installs its own error handler for its routes.
 */
export async function boardRoutes(
  app: FastifyInstance,
  options: { db: Database; queues: Queue[]; quotas: Pick<QuotaHandle, 'addressBlockedFor' | 'countFailure'> },
): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BOARD_PATH);
  createBullBoard({ queues: options.queues.map((q) => new BullMQAdapter(q)), serverAdapter });

  await app.register(async (scope) => {
    scope.addHook('onRequest', applyBoardPolicy);
    scope.addHook('onRequest', async (request, reply) => {
      const key = apiKeyOf(request.headers.authorization, { basic: true });
      const blocked = key ? await options.quotas.addressBlockedFor(request) : null;
      if (blocked !== null) {
        const { message, detail } = tooManyFailures(blocked);
        return reply.code(429).header('retry-after', blocked).send({ message, detail });
      }
      const user = key ? ((await authenticateApiKey(options.db, key))?.user ?? null) : null;
      if (key && !user) await options.quotas.countFailure(request);
      if (user?.role === 'admin') return;
      return reply
        .code(401)
        .header('www-authenticate', 'Basic realm="gitsync"')
        .send({
          message: user ? 'admin only' : key ? 'unknown API key' : 'missing API key',
          detail: 'log in with the admin API key as password',
        });
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: BOARD_PATH });
  });
}
