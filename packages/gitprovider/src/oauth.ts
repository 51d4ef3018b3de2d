import { request } from 'undici';
import { ProviderError } from './errors.js';

export interface OAuthRefreshOptions {
  tokenUrl: string;
  clientId: string | null;
  clientSecret: string | null;
  refreshToken: string;
  now?: () => number;
  timeoutMs?: number;
}

export interface RefreshedToken {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date | null;
}

/**
 * The OAuth refresh-token grant as GitHub (and its Enterprise servers) and GitLab answer it: a form
 * POST, JSON back; errors come with HTTP 200 and an `error` field (GitHub) or a 400 (GitLab).
 */
export async function refreshOAuthToken(options: OAuthRefreshOptions): Promise<RefreshedToken> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: options.refreshToken });
  if (options.clientId) form.set('client_id', options.clientId);
  if (options.clientSecret) form.set('client_secret', options.clientSecret);
  const timeout = options.timeoutMs ?? 10_000;
  let body: unknown;
  let status = 0;
  try {
    const res = await request(options.tokenUrl, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    status = res.statusCode;
    body = await res.body.json().catch(() => null);
  } catch (err) {
    throw new ProviderError(`token refresh failed: ${(err as Error).message}`, { kind: 'network' });
  }
  const parsed = body as {
    access_token?: unknown;
    refresh_token?: unknown;
    expires_in?: unknown;
    error?: unknown;
  } | null;
  if (status !== 200 || !parsed || typeof parsed.access_token !== 'string') {
    const reason = typeof parsed?.error === 'string' ? parsed.error : 'no access_token in the answer';
    const failure = status === 200 ? { kind: 'malformed' as const, status } : { kind: 'http' as const, status };
    throw new ProviderError(`token refresh failed (HTTP ${status}): ${reason}`, failure);
  }
  const now = options.now ?? Date.now;
  return {
    accessToken: parsed.access_token,
    refreshToken: typeof parsed.refresh_token === 'string' ? parsed.refresh_token : null,
    expiresAt: typeof parsed.expires_in === 'number' ? new Date(now() + parsed.expires_in * 1000) : null,
  };
}
