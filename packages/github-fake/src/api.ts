import { error, etagMatches, notFound } from './answer.js';
import type { Answer } from './answer.js';
import type { Failures } from './failures.js';
import { route } from './routes.js';
import type { ApiRequest, RouteContext } from './routes.js';
import { snapshot } from './tokens.js';
import type { RateSnapshot, Tokens } from './tokens.js';
import type { FailureMode } from './types.js';

export interface ApiContext extends RouteContext {
  tokens: Tokens;
  failures: Failures;
}

const RATE_DOCS = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';
const SECONDARY_MESSAGE = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';

/**
 * Everything GitHub does before and after routing: authentication, injected and real rate limits,
 * injected failures, conditional requests, and charging the token's budget (never for a 304).
 * `rest` is the request path after /api/v3, query included.
 */
export function answerApi(
  ctx: ApiContext,
  method: string,
  rest: string,
  token: string | null,
  ifNoneMatch: string | undefined,
  accept?: string,
): Answer {
  const now = ctx.tokens.now();
  const account = token === null ? undefined : ctx.tokens.account(token, now);
  if (token === null || !account) {
    const denied = error(401, 'Bad credentials');
    // GitHub answers a bad token with the anonymous allowance's headers.
    denied.rate = { limit: 60, remaining: 60, used: 0, reset: Math.ceil((now + 3_600_000) / 1000) };
    return denied;
  }

  const rate = snapshot(account);
  const forced = ctx.tokens.forcedLimit(token, now);
  if (forced?.kind === 'primary') {
    return primaryLimit(ctx, account.login, {
      ...rate,
      remaining: 0,
      used: rate.limit,
      reset: Math.ceil(forced.until / 1000),
    });
  }
  if (forced?.kind === 'secondary') {
    const limited = error(429, SECONDARY_MESSAGE, RATE_DOCS);
    limited.rate = rate;
    limited.headers = { 'retry-after': String(Math.max(1, Math.ceil((forced.until - now) / 1000))) };
    return limited;
  }
  if (rate.remaining <= 0) return primaryLimit(ctx, account.login, rate);
  if (!ctx.tokens.takeMinutePoint(account, now)) {
    // As GitHub answers many secondary limits: 403, quota left, the message and no retry-after.
    const limited = error(403, SECONDARY_MESSAGE, RATE_DOCS);
    limited.rate = rate;
    return limited;
  }

  const req = parse(method, rest, accept);
  const mode =
    req && req.segments[0] === 'repos' && req.segments[1] !== undefined && req.segments[2] !== undefined
      ? ctx.failures.take(req.segments[1], req.segments[2])
      : undefined;
  const answer = mode ? failure(mode) : req ? route(ctx, req) : notFound();

  if (answer.status === 200 && answer.etag !== undefined && etagMatches(ifNoneMatch, answer.etag)) {
    return { status: 304, etag: answer.etag, rate };
  }
  account.used++;
  if (mode !== 'forbidden') answer.rate = charged(rate);
  return answer;
}

/** GitHub's answer to a spent (or forced) primary rate limit: 403 with the rate headers. */
function primaryLimit(ctx: ApiContext, login: string, rate: RateSnapshot): Answer {
  const limited = error(403, `API rate limit exceeded for user ID ${ctx.store.userId(login)}.`, RATE_DOCS);
  limited.rate = rate;
  return limited;
}

const charged = (rate: RateSnapshot): RateSnapshot => ({ ...rate, used: rate.used + 1, remaining: rate.remaining - 1 });

function failure(mode: FailureMode): Answer {
  switch (mode) {
    case 'error500':
      return error(500, 'Internal Server Error');
    case 'garbage':
      // Still labelled JSON, as a misbehaving proxy would, so clients must survive a failed parse.
      return { status: 200, body: '<html><body>502 Bad Gateway</body></html' };
    case 'forbidden':
      return error(403, 'Resource not accessible by personal access token');
    case 'notFound':
      return notFound();
  }
}

/** Splits and percent-decodes the path; undefined when it cannot be decoded (answered 404). */
function parse(method: string, rest: string, accept: string | undefined): ApiRequest | undefined {
  const q = rest.indexOf('?');
  let pathname = q < 0 ? rest : rest.slice(0, q);
  if (pathname.length > 1 && pathname.endsWith('/')) pathname = pathname.slice(0, -1);
  try {
    const segments = pathname.split('/').slice(1).map(decodeURIComponent);
    const query = new URLSearchParams(q < 0 ? '' : rest.slice(q + 1));
    return { method, segments, pathname, query, ...(accept !== undefined && { accept }) };
  } catch {
    return undefined;
  }
}
