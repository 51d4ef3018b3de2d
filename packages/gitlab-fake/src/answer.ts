import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a handler decided; written to the socket in one place. */
export interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Default application/json. */
  contentType?: string;
}

export const json = (status: number, value: unknown, headers?: Record<string, string>): Answer => ({
  status,
  body: JSON.stringify(value),
  ...(headers && { headers }),
});

/** GitLab's REST error body: `{"message": "404 Project Not Found"}`. */
export const message = (status: number, text: string): Answer => json(status, { message: text });

export const notFound = (what = 'Not found'): Answer => message(404, `404 ${what}`);

/** A weak ETag of the body, as Rails' Rack::ETag makes them. */
export function weakEtag(body: string): string {
  return `W/"${createHash('md5').update(body).digest('hex')}"`;
}

/** If-None-Match compares weakly (RFC 9110 §13.1.2): W/ prefixes ignored, `*` matches anything. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((c) => c.trim() === '*' || c.trim().replace(/^W\//, '') === bare);
}

export function send(res: ServerResponse, answer: Answer): void {
  const headers: Record<string, string> = {
    'content-type': answer.contentType ?? 'application/json',
    'cache-control': 'max-age=0, private, must-revalidate',
    ...answer.headers,
  };
  if (answer.status === 304 || answer.body === undefined) {
    delete headers['content-type'];
    res.writeHead(answer.status, headers);
    res.end();
    return;
  }
  headers['content-length'] = String(Buffer.byteLength(answer.body));
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

/** A request's body as text; more than `max` bytes is an error. */
export async function readBody(req: IncomingMessage, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
