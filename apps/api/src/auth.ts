import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateApiKey, type Database, type User, type Viewer } from '@gitsync/db';
import { HttpError } from './errors.js';
import { tooManyFailures, type QuotaHandle } from './quotas.js';

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer;
  }
}

/**
 * The API key of an Authorization header: `Bearer <key>`, or — where `basic` is allowed, for
 * browsers, which only know how to prompt for Basic credentials — the password of `Basic`
 * (any username). Null when there is none.
 */
export function apiKeyOf(header: string | undefined, options: { basic?: boolean } = {}): string | null {
  if (!header) return null;
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer?.[1]) return bearer[1];
  const basic = options.basic ? /^Basic\s+(\S+)$/i.exec(header) : null;
  if (!basic?.[1]) return null;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : null;
}

/**
 * Reads `Authorization: Bearer <api key>`; 401 when missing or unknown. An address that keeps
 * sending unknown keys is refused (429) before its next key is even looked up.
 */
export function authenticate(db: Database, quotas: Pick<QuotaHandle, 'addressBlockedFor' | 'countFailure'>) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const key = apiKeyOf(request.headers.authorization);
    if (!key) throw new HttpError(401, 'missing API key', 'send Authorization: Bearer <api key>');
    const blocked = await quotas.addressBlockedFor(request);
    if (blocked !== null) {
      reply.header('retry-after', blocked);
      throw tooManyFailures(blocked);
    }
    const found = await authenticateApiKey(db, key);
    if (!found) {
      await quotas.countFailure(request);
      throw new HttpError(401, 'unknown API key');
    }
    request.viewer = viewerOf(found.user);
    request.apiKeyId = found.keyId;
  };
}

export const viewerOf = (user: User): Viewer => ({ id: user.id, role: user.role });

export function requireAdmin(request: FastifyRequest): void {
  if (request.viewer.role !== 'admin') throw new HttpError(403, 'admin only');
}

/** Resolves a `{user}` path segment (`me` or an id) the viewer may act for; others' ids answer 404. */
export function resolveUser(request: FastifyRequest, user: string): string {
  const id = user === 'me' ? request.viewer.id : user;
  if (id !== request.viewer.id && request.viewer.role !== 'admin') throw new HttpError(404, 'user not found');
  return id;
}
