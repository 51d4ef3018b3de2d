import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { RateSnapshot } from './tokens.js';

/** What a handler decided; written to the socket in one place so every answer gets the same headers. */
export interface Answer {
  status: number;
  body?: string | Buffer;
  /** Quoted entity tag, e.g. "3f2a…". */
  etag?: string;
  /** x-ratelimit-* headers; omitted entirely when undefined. */
  rate?: RateSnapshot;
  headers?: Record<string, string>;
  /** Default application/json. */
  contentType?: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const DOCS = 'https://docs.github.com/rest';

/** A body ready for the socket (JSON or a diff) with its strong ETag, the SHA-1 of the body: any change changes it. */
export interface Entity {
  body: Buffer;
  etag: string;
}

export function entity(content: string | Buffer): Entity {
  const body = typeof content === 'string' ? Buffer.from(content) : content;
  return { body, etag: `"${createHash('sha1').update(body).digest('hex')}"` };
}

export function ok({ body, etag }: Entity): Answer {
  return { status: 200, body, etag };
}

/** What GitHub answers for `Accept: application/vnd.github.diff`: the diff as plain text. */
export function diffAnswer({ body, etag }: Entity): Answer {
  return {
    status: 200,
    body,
    etag,
    contentType: 'text/plain; charset=utf-8',
    headers: { 'x-github-media-type': 'github.v3; param=diff' },
  };
}

/** `application/vnd.github.diff` (or its v3 spelling) among the accepted media types. */
export const wantsDiff = (accept: string | undefined): boolean =>
  accept !== undefined && /application\/vnd\.github(?:\.v3)?\.diff/i.test(accept);

/** GitHub's error body: {message, documentation_url, status}. */
export function error(status: number, message: string, documentationUrl = DOCS): Answer {
  return { status, body: JSON.stringify({ message, documentation_url: documentationUrl, status: String(status) }) };
}

export const notFound = (): Answer => error(404, 'Not Found');

/** If-None-Match uses weak comparison (RFC 9110 §13.1.2): W/ prefixes are ignored, `*` matches anything. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = etag.replace(/^W\//, '');
  for (const candidate of ifNoneMatch.split(',')) {
    const c = candidate.trim();
    if (c === '*' || c.replace(/^W\//, '') === bare) return true;
  }
  return false;
}

export function send(res: ServerResponse, answer: Answer): void {
  const headers: Record<string, string> = {
    'content-type': answer.contentType ?? JSON_TYPE,
    'x-github-api-version-selected': '2022-11-28',
    'x-github-media-type': 'github.v3; format=json',
  };
  if (answer.etag) headers.etag = answer.etag;
  const rate = answer.rate;
  if (rate) {
    headers['x-ratelimit-limit'] = String(rate.limit);
    headers['x-ratelimit-remaining'] = String(rate.remaining);
    headers['x-ratelimit-reset'] = String(rate.reset);
    headers['x-ratelimit-used'] = String(rate.used);
    headers['x-ratelimit-resource'] = 'core';
  }
  if (answer.headers) Object.assign(headers, answer.headers);
  if (answer.status === 304 || answer.body === undefined) {
    if (answer.status !== 304) headers['content-length'] = '0';
    res.writeHead(answer.status, headers);
    res.end();
    return;
  }
  headers['content-length'] = String(
    typeof answer.body === 'string' ? Buffer.byteLength(answer.body) : answer.body.length,
  );
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}
