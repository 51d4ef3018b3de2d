import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { errorSchema } from '@gitsync/contracts';

/** An error that becomes `{message, detail?}` with its status code. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly detail?: string,
    /** Headers the answer carries too (`Retry-After`). */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, `${what} not found`);

/**
 * What any authenticated operation may answer besides its own statuses: a bad request, no or a
 * wrong key, a chat or user the caller may not see, and a quota spent (quotas.ts).
 */
export const authenticatedErrors = { 400: errorSchema, 401: errorSchema, 404: errorSchema, 429: errorSchema };

/** Every error answers JSON `{message, detail?}`; a bad request names the field that was wrong. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HttpError, request, reply) => {
    if (err instanceof HttpError) {
      if (err.headers) reply.headers(err.headers);
      return reply.code(err.statusCode).send({ message: err.message, ...(err.detail && { detail: err.detail }) });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'request';
      const detail = err.validation
        .map((v) => {
          const field = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
          const params = v.params as { issue?: { keys?: string[] } };
          const keys = params.issue?.keys?.join(', ');
          return `${field || keys || where}: ${v.message}${keys && field ? ` (${keys})` : ''}`;
        })
        .join('; ');
      return reply.code(400).send({ message: `invalid ${where}`, detail });
    }
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err }, 'request failed');
      return reply.code(500).send({ message: 'internal error' });
    }
    const detail = bodyErrorDetail(err, request.headers['content-type'], app.initialConfig.bodyLimit);
    return reply.code(status).send({ message: err.message, ...(detail && { detail }) });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ message: `no route ${request.method} ${request.url}` }),
  );
}

/** Says how to fix a body Fastify refused before any route saw it. */
function bodyErrorDetail(
  err: FastifyError,
  contentType: string | undefined,
  bodyLimit: number | undefined,
): string | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `the body may be at most ${bodyLimit ?? 'the configured'} bytes`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `content-type ${contentType ?? '(none)'} is not accepted: send application/json`;
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'send a JSON body, or no content-type header when there is none';
    default:
      return undefined;
  }
}
