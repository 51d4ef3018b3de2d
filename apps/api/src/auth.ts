import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateApiKey, type Database, type Viewer } from '@gitsync/db';
import { HttpError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer;
  }
}

/** Reads `Authorization: Bearer <api key>`; 401 when missing or unknown. */
export function authenticate(db: Database) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) throw new HttpError(401, 'missing API key', 'send Authorization: Bearer <api key>');
    const user = await authenticateApiKey(db, match[1]);
    if (!user) throw new HttpError(401, 'unknown API key');
    request.viewer = { id: user.id, role: user.role };
  };
}

export function requireAdmin(request: FastifyRequest): void {
  if (request.viewer.role !== 'admin') throw new HttpError(403, 'admin only');
}

/** Resolves a `{user}` path segment (`me` or an id) the viewer may act for; others' ids answer 404. */
export function resolveUser(request: FastifyRequest, user: string): string {
  const id = user === 'me' ? request.viewer.id : user;
  if (id !== request.viewer.id && request.viewer.role !== 'admin') throw new HttpError(404, 'user not found');
  return id;
}
