import { request, type Dispatcher } from 'undici';
import { classifyHttpFailure, scrub } from './classify.js';
import { ProviderError, RateLimitError } from './errors.js';
import type { DiffRequest, DiffResult, RequestPacer, ResponseInfo } from './types.js';
import { responseInfo } from './github-rate-headers.js';

export interface DiffFetchOptions {
  dispatcher: Dispatcher;
  /** Absolute URL of `GET …/pulls/{n}` or `GET …/compare/{base}...{head}`. */
  url: string;
  /** For messages: `GET /repos/o/r/pulls/1 (diff)`. */
  what: string;
  userAgent: string;
  /** Deadline for the headers, and for each pause between body chunks. */
  timeoutMs: number;
  paddingMs: number;
  now: () => number;
}

/** How much of an error answer's body is read for its message. */
const ERROR_BODY_BYTES = 4096;

/**
 * A diff (`Accept: application/vnd.github.diff`) streamed to `diff.write` chunk by chunk: octokit
 * would read the whole body first, so this goes to undici directly, through the same pacer (one
 * slot, held until the body is read; the answer's budget and blocks reported). A `Content-Length`
 * or a running count past `maxBytes` stops the reading there and destroys the connection.
 */
export async function streamGitHubDiff(
  token: string,
  diff: DiffRequest,
  options: DiffFetchOptions,
  pacer: RequestPacer | undefined,
): Promise<DiffResult> {
  const report = pacer ? await pacer.acquire() : null;
  let info: ResponseInfo = { status: null, remaining: null, resetAt: null, blockedUntil: null };
  try {
    let answer: Dispatcher.ResponseData;
    try {
      answer = await request(options.url, {
        method: 'GET',
        dispatcher: options.dispatcher,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
        headers: {
          accept: 'application/vnd.github.diff',
          'x-github-api-version': '2022-11-28',
          'user-agent': options.userAgent,
          authorization: `Bearer ${token}`,
          ...(diff.ifNoneMatch ? { 'if-none-match': diff.ifNoneMatch } : {}),
        },
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ProviderError(`GitHub ${options.what} failed: ${scrub(reason, token)}`, { kind: 'network' });
    }
    const headers = flatHeaders(answer.headers);
    info = responseInfo(answer.statusCode, headers);
    if (answer.statusCode === 304) {
      await answer.body.dump();
      return { kind: 'not_modified' };
    }
    if (answer.statusCode !== 200) {
      const detail = await errorMessage(answer.body);
      const failure = classifyHttpFailure(answer.statusCode, headers, detail, {
        now: options.now(),
        paddingMs: options.paddingMs,
        what: options.what,
        secret: token,
      });
      if (failure instanceof RateLimitError) info = { ...info, blockedUntil: failure.resetAt };
      throw failure;
    }
    const declared = Number(headers['content-length']);
    if (Number.isFinite(declared) && declared > diff.maxBytes) {
      answer.body.destroy();
      return { kind: 'too_large', maxBytes: diff.maxBytes };
    }
    let bytes = 0;
    for await (const chunk of answer.body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > diff.maxBytes) {
        answer.body.destroy();
        return { kind: 'too_large', maxBytes: diff.maxBytes };
      }
      await diff.write(chunk);
    }
    return { kind: 'written', etag: headers.etag ?? null, bytes };
  } finally {
    report?.(info);
  }
}

function flatHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(raw)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/** GitHub's `{message}` of an error answer, from its first few KiB only. */
async function errorMessage(body: Dispatcher.ResponseData['body']): Promise<string | undefined> {
  let text = '';
  for await (const chunk of body as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.length >= ERROR_BODY_BYTES) {
      body.destroy();
      break;
    }
  }
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : undefined;
  } catch {
    return text.trim().slice(0, 200) || undefined;
  }
}
