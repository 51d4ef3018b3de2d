import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The web sidebar at `/`; nothing when it has not been built (`npm run build -w @gitsync/web`). */
export async function webRoutes(app: FastifyInstance, webDir: string): Promise<void> {
  if (!existsSync(path.join(webDir, 'index.html'))) {
    app.log.warn({ webDir }, 'web sidebar not built; / is not served');
    return;
  }
  // Bull Board registers @fastify/static too: no `reply.sendFile` decorator from this one.
  await app.register(fastifyStatic, { root: webDir, prefix: '/', decorateReply: false, wildcard: false });
}
