import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from '@gitsync/logger';
import { authenticate } from './auth.js';
import type { ApiContext } from './context.js';
import { registerErrorHandler } from './errors.js';
import { chatRoutes } from './routes/chats.js';
import { healthRoutes } from './routes/health.js';
import { userRoutes } from './routes/users.js';

export interface BuildAppOptions extends ApiContext {
  logger: Logger;
  /** @defaultValue 1 MiB */
  bodyLimit?: number;
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // One line per request would drown the refresh logs; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);

  healthRoutes(app, options);
  await app.register(async (api) => {
    api.addHook('onRequest', authenticate(options.db));
    userRoutes(api, options);
    chatRoutes(api, options);
  });
  return app;
}
