import type { IncomingMessage } from 'node:http';
import type { Answer } from './answer.js';
import type { Tokens } from './tokens.js';

const MAX_BODY = 64 * 1024;
/** GitHub App user tokens: 8 hours; their refresh tokens: 6 months. */
const EXPIRES_IN = 28_800;
const REFRESH_EXPIRES_IN = 15_897_600;

/**
 * POST /login/oauth/access_token with grant_type=refresh_token. Parameters may come as a form, as
 * JSON or in the query, like GitHub accepts; the answer is JSON unless only a form was asked for.
 */
export async function answerOAuth(req: IncomingMessage, query: string, tokens: Tokens): Promise<Answer> {
  if (req.method !== 'POST') return reply(req, 404, { error: 'not_found' });
  let params: Record<string, string>;
  try {
    params = { ...Object.fromEntries(new URLSearchParams(query)), ...parseBody(req, await readBody(req)) };
  } catch {
    return reply(req, 400, { error: 'invalid_request', error_description: 'The request body could not be parsed.' });
  }
  if (params.grant_type !== 'refresh_token') {
    return reply(req, 400, { error: 'unsupported_grant_type', error_description: 'Only refresh_token is supported.' });
  }
  const issued = params.refresh_token === undefined ? undefined : tokens.redeem(params.refresh_token);
  if (!issued) {
    return reply(req, 400, {
      error: 'bad_refresh_token',
      error_description: 'The refresh token passed is incorrect or expired.',
      error_uri:
        'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors',
    });
  }
  return reply(req, 200, {
    access_token: issued.accessToken,
    expires_in: EXPIRES_IN,
    refresh_token: issued.refreshToken,
    refresh_token_expires_in: REFRESH_EXPIRES_IN,
    scope: '',
    token_type: 'bearer',
  });
}

function reply(req: IncomingMessage, status: number, payload: Record<string, string | number>): Answer {
  const accept = req.headers.accept ?? '';
  if (accept.includes('application/x-www-form-urlencoded') && !accept.includes('json')) {
    const form = new URLSearchParams(Object.entries(payload).map(([k, v]): [string, string] => [k, String(v)]));
    return { status, body: form.toString(), contentType: 'application/x-www-form-urlencoded; charset=utf-8' };
  }
  return { status, body: JSON.stringify(payload) };
}

function parseBody(req: IncomingMessage, raw: string): Record<string, string> {
  if (raw.trim() === '') return {};
  if ((req.headers['content-type'] ?? '').includes('json')) {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
    return out;
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
