import rateLimit, { type RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RedisConnection } from '@gitsync/redis';
import { HttpError } from './errors.js';

/** How much one client may ask; every count is kept in Redis, so it holds across API replicas. */
export interface Quotas {
  /** The window every count runs over. @defaultValue 1 min */
  windowMs: number;
  /** Requests per API key per window, on every route but on-demand refresh; 0: unlimited. @defaultValue 600 */
  perKey: number;
  /** On-demand refreshes per API key per window (jobs at top priority); 0: unlimited. @defaultValue 30 */
  refreshPerKey: number;
  /**
   * Failed authentications per client address per window; past it the address gets 429. 0: unlimited.
   * @defaultValue 30
   */
  authFailuresPerAddress: number;
  /** Event streams one API key holds open at once; 0: unlimited. @defaultValue 10 */
  streamsPerKey: number;
}

export const defaultQuotas: Quotas = {
  windowMs: 60_000,
  perKey: 600,
  refreshPerKey: 30,
  authFailuresPerAddress: 30,
  streamsPerKey: 10,
};

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key the request authenticated with (auth.ts); quotas count per key. */
    apiKeyId?: string;
  }
}

export interface QuotaHandle {
  /** The route config of on-demand refresh: its own, lower count per key. */
  refreshRoute: RateLimitOptions | false;
  /**
   * Seconds until the request's address may try keys again, past its failed authentications;
   * null while it may. Ask before looking a key up.
   */
  addressBlockedFor(request: FastifyRequest): Promise<number | null>;
  /** Counts one failed authentication of the request's address. */
  countFailure(request: FastifyRequest): Promise<void>;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** The answer to an address that tried too many unknown keys (with `Retry-After: retryAfter`). */
export const tooManyFailures = (retryAfter: number) =>
  new HttpError(
    429,
    'too many requests',
    `too many failed authentications from this address; retry in ${retryAfter} s`,
  );

/**
 * Registers @fastify/rate-limit (Redis store) on `scope`, whose routes must authenticate in an
 * onRequest hook registered before this (auth.ts): the plugin's route hooks run after it. An
 * authenticated request counts against its key; before a key is known, only failures count,
 * against the client's address (see README: behind a proxy, set GITSYNC_TRUST_PROXY).
 */
export async function registerQuotas(
  scope: FastifyInstance,
  options: { redis: RedisConnection; prefix: string; quotas: Quotas },
): Promise<QuotaHandle> {
  const { quotas } = options;
  const limitOf = (request: FastifyRequest) => (request.apiKeyId ? quotas.perKey : quotas.authFailuresPerAddress);
  await scope.register(rateLimit, {
    global: true,
    redis: options.redis,
    nameSpace: `${options.prefix}:quota:`,
    timeWindow: quotas.windowMs,
    keyGenerator: (request) => (request.apiKeyId ? `key:${request.apiKeyId}` : `address:${request.ip}`),
    max: (request) => limitOf(request),
    allowList: (request) => limitOf(request) === 0,
    // A Redis outage must not take the API down with it: the quotas lapse meanwhile.
    skipOnError: true,
    // Route hooks run once a key is known: their 429 is always the key's.
    errorResponseBuilder: (_request, context) =>
      new HttpError(
        429,
        'too many requests',
        `at most ${context.max} requests per API key in ${seconds(quotas.windowMs)}; retry in ${context.after}`,
      ),
  });
  const failures = scope.createRateLimit();
  return {
    refreshRoute:
      quotas.refreshPerKey > 0
        ? {
            max: quotas.refreshPerKey,
            // Its own count, even where the API-wide one is off.
            allowList: () => false,
            errorResponseBuilder: (_request, context) =>
              new HttpError(
                429,
                'too many on-demand refreshes',
                `at most ${context.max} per API key in ${seconds(quotas.windowMs)}; retry in ${context.after}`,
              ),
          }
        : false,
    async addressBlockedFor(request) {
      if (quotas.authFailuresPerAddress === 0) return null;
      const state = await failures(request, { increment: false });
      return state.isAllowed || state.remaining > 0 ? null : Math.max(1, state.ttlInSeconds);
    },
    async countFailure(request) {
      if (quotas.authFailuresPerAddress > 0) await failures(request);
    },
  };
}
