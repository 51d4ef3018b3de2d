import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GitsyncClient } from './client.js';
import { ApiError } from './errors.js';

/** A tiny HTTP server answering what each test needs: the SDK's own behaviour, over real HTTP. */
let server: Server;
let baseUrl: string;
let answer: (
  url: string,
  headers: Record<string, string | string[] | undefined>,
) => { status: number; body: string; type?: string };
const seen: Array<{
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const a = answer(req.url ?? '', req.headers);
      res.writeHead(a.status, { 'content-type': a.type ?? 'application/json' }).end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => (seen.length = 0));

describe('GitsyncClient', () => {
  it('throws a typed ApiError with the server’s message and detail', async () => {
    answer = () => ({
      status: 400,
      body: JSON.stringify({ message: 'invalid querystring', detail: 'limit: Too big' }),
    });
    const client = new GitsyncClient({ baseUrl, apiKey: 'k' });
    const err = await client.listChats({ limit: 500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, message: 'invalid querystring', detail: 'limit: Too big' });
    expect(seen[0]).toMatchObject({
      method: 'GET',
      url: '/api/v1/chats?limit=500',
      headers: { authorization: 'Bearer k' },
    });
  });

  it('keeps a non-JSON error body as detail', async () => {
    answer = () => ({ status: 502, body: '<html>bad gateway</html>', type: 'text/html' });
    await expect(new GitsyncClient({ baseUrl, apiKey: 'k' }).getChat('x')).rejects.toMatchObject({
      status: 502,
      detail: '<html>bad gateway</html>',
    });
  });

  it('rejects a response that does not match the contract', async () => {
    answer = () => ({ status: 200, body: JSON.stringify({ id: 'not-a-chat' }) });
    await expect(new GitsyncClient({ baseUrl, apiKey: 'k' }).getChat('x')).rejects.toMatchObject({
      message: 'unexpected response from GET /api/v1/chats/x',
    });
  });

  it('sends JSON bodies with their content type, and none without a body', async () => {
    answer = () => ({ status: 204, body: '' });
    const client = new GitsyncClient({ baseUrl, apiKey: 'k' });
    await client.linkToken('me', 'git hub', { access_token: 't' });
    await client.unlinkToken('me', 'github');
    expect(seen[0]).toMatchObject({
      method: 'PUT',
      url: '/api/v1/users/me/external-auth/git%20hub',
      body: '{"access_token":"t"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(seen[1]!.headers['content-type']).toBeUndefined();
  });

  it('reads a link and its budget, checked against the contract', async () => {
    const status = {
      provider: 'github',
      linked: true,
      blocked: { until: '2030-01-01T00:00:00.000Z', kind: 'proactive' },
    };
    answer = () => ({ status: 200, body: JSON.stringify(status) });
    expect(await new GitsyncClient({ baseUrl, apiKey: 'k' }).getExternalAuth('me', 'github')).toEqual(status);
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/api/v1/users/me/external-auth/github' });
  });
});
