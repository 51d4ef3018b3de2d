import type { IncomingMessage } from 'node:http';
import { json, readBody } from './answer.js';
import type { Answer } from './answer.js';
import type { Tokens } from './tokens.js';

const MAX_BODY = 64 * 1024;
/** GitLab's OAuth access tokens live two hours. */
const EXPIRES_IN = 7200;
const INVALID_GRANT =
  'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in ' +
  'the authorization request, or was issued to another client.';

/** `POST /oauth/token` with grant_type=refresh_token (a form or JSON), as GitLab's Doorkeeper answers it. */
export async function answerOAuth(req: IncomingMessage, tokens: Tokens): Promise<Answer> {
  if (req.method !== 'POST') return json(404, { error: '404 Not Found' });
  let params: Record<string, string>;
  try {
    params = parseBody(req, await readBody(req, MAX_BODY));
  } catch {
    return json(400, { error: 'invalid_request', error_description: 'The request is missing a required parameter.' });
  }
  if (params.grant_type !== 'refresh_token')
    return json(400, {
      error: 'unsupported_grant_type',
      error_description: 'The authorization grant type is not supported.',
    });
  const issued = params.refresh_token === undefined ? undefined : tokens.redeem(params.refresh_token);
  if (!issued) {
    return json(400, {
      error: 'invalid_grant',
      error_description: INVALID_GRANT,
    });
  }
  return json(200, {
    access_token: issued.accessToken,
    token_type: 'Bearer',
    expires_in: EXPIRES_IN,
    refresh_token: issued.refreshToken,
    scope: 'read_api',
    created_at: Math.floor(Date.now() / 1000),
  });
}

function parseBody(req: IncomingMessage, raw: string): Record<string, string> {
  if (raw.trim() === '') return {};
  if ((req.headers['content-type'] ?? '').includes('json')) {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
  }
  return Object.fromEntries(new URLSearchParams(raw));
}
