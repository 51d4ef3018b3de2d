import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { authenticateApiKey, type Database } from '@gitsync/db';
import { apiKeyOf } from '../auth.js';

export const BOARD_PATH = '/admin/queues';

/**
 * Bull Board for admins. Anyone else gets 401 with `WWW-Authenticate: Basic`, so a browser shows
 * its login prompt: the admin API key is the password (any username); `Bearer <key>` works too.
 * The check is a hook of this scope, answered directly rather than thrown, because Bull Board's
 * plugin installs its own error handler for its routes.
 */
export async function boardRoutes(app: FastifyInstance, options: { db: Database; queues: Queue[] }): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BOARD_PATH);
  createBullBoard({ queues: options.queues.map((q) => new BullMQAdapter(q)), serverAdapter });

  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      const key = apiKeyOf(request.headers.authorization, { basic: true });
      const user = key ? await authenticateApiKey(options.db, key) : null;
      if (user?.role === 'admin') return;
      return reply
        .code(401)
        .header('www-authenticate', 'Basic realm="gitsync"')
        .send({ message: user ? 'admin only' : key ? 'unknown API key' : 'missing API key', detail: 'log in with the admin API key as password' });
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: BOARD_PATH });
  });
}
