import { createServer } from 'node:http';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as they are. */
  body?: unknown;
}

/** Returns the reply, or `'hang'` to never answer (timeouts), or a promise of either. */
export type Handler = (request: RecordedRequest) => Reply | 'hang' | Promise<Reply | 'hang'>;

export interface LocalServer {
  /** e.g. `http://127.0.0.1:40123` — the web base of a provider at `${origin}/api/v3`. */
  origin: string;
  apiBaseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

function send(res: ServerResponse, reply: Reply): void {
  const body = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
  res.end(body);
}

/** A tiny GitHub stand-in on a random port; the API lives under `/api/v3` as on Enterprise. */
export async function startLocalServer(handler: Handler): Promise<LocalServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const recorded = {
      method: req.method ?? 'GET',
      url: (req.url ?? '/').replace(/^\/api\/v3/, ''),
      headers: req.headers,
    };
    requests.push(recorded);
    Promise.resolve(handler(recorded))
      .then((reply) => {
        if (reply !== 'hang') send(res, reply);
      })
      .catch((error: unknown) => send(res, { status: 500, body: { message: String(error) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    apiBaseUrl: `${origin}/api/v3`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A pull request body as GitHub sends it (trimmed to what matters plus some noise). */
export function pullBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    url: 'https://api.github.com/repos/o/r/pulls/1',
    id: 1,
    number: 1,
    state: 'open',
    locked: false,
    title: 'Add the thing',
    user: { login: 'octocat', id: 1, avatar_url: 'https://avatars.example/u/1' },
    body: 'Please pull',
    draft: false,
    merged: false,
    head: { label: 'o:feat/x', ref: 'feat/x', sha: 'a'.repeat(40) },
    base: { label: 'o:main', ref: 'main', sha: 'b'.repeat(40) },
    additions: 12,
    deletions: 3,
    changed_files: 2,
    commits: 5,
    ...overrides,
  };
}

export function reviewBody(id: number, login: string, state: string): Record<string, unknown> {
  return {
    id,
    user: { login, id },
    state,
    submitted_at: new Date(1_700_000_000_000 + id * 1000).toISOString(),
    body: '',
  };
}

/** An item of `GET /repos/{o}/{r}/pulls` (pull-request-simple: `merged_at`, no `merged`). */
export function listedPull(
  number: number,
  overrides: { state?: 'open' | 'closed'; merged?: boolean; sha?: string; updated?: string } = {},
): Record<string, unknown> {
  return {
    number,
    html_url: `https://ignored.example/o/r/pull/${number}`,
    state: overrides.state ?? 'open',
    merged_at: overrides.merged ? '2026-01-02T00:00:00Z' : null,
    updated_at: overrides.updated ?? '2026-01-01T00:00:00Z',
    head: { label: 'o:b', ref: 'b', sha: overrides.sha ?? 'a'.repeat(40) },
  };
}

/** `GET /repos/{o}/{r}`: a repository, a fork of `parent` when given. */
export function repositoryBody(
  owner: string,
  name: string,
  parent?: { owner: string; name: string },
): Record<string, unknown> {
  const repo = (o: string, n: string) => ({
    id: 1,
    name: n,
    full_name: `${o}/${n}`,
    owner: { login: o, id: 1 },
    private: false,
  });
  return {
    ...repo(owner, name),
    fork: parent !== undefined,
    ...(parent && { parent: repo(parent.owner, parent.name), source: repo(parent.owner, parent.name) }),
  };
}
