import { connect } from 'node:net';
import { waitFor } from '@gitsync/testing';
import { githubProvider, startApi, type ApiHarness } from './harness.js';

/**
 * Issue 20: a webhook URL is open to anyone, so what cannot be a delivery is refused from its
 * headers alone — before a byte of its (announced) body is read — and a body that never comes
 * is cut off by the request timeout.
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApi({
    providers: [
      { ...githubProvider(), webhookSecret: 'whsec_refusal' },
      { ...githubProvider('https://ghe.example.com/api/v3'), id: 'ghe' },
      { ...githubProvider('https://gitlab.example/api/v4'), id: 'gitlab', type: 'gitlab', webhookSecret: 'gl-token' },
    ],
    requestTimeoutMs: 1_000,
  });
});
afterAll(() => h?.close());

const TWENTY_MIB = 20 * 1024 * 1024;

interface Exchange {
  /** What the server answered (status line and headers, at least). */
  answer(): string;
  /** Whether the server closed the connection. */
  closed(): boolean;
  destroy(): void;
}

/** Sends the request line and headers of a POST announcing `length` body bytes, and never a body byte. */
function announce(path: string, headers: Record<string, string>, length = TWENTY_MIB): Exchange {
  const { port } = new URL(h.baseUrl);
  const socket = connect(Number(port), '127.0.0.1');
  let received = '';
  let closed = false;
  socket.on('data', (chunk) => (received += chunk.toString('latin1')));
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  const lines = Object.entries({
    host: 'localhost',
    'content-type': 'application/json',
    'content-length': String(length),
    ...headers,
  }).map(([k, v]) => `${k}: ${v}`);
  socket.write(`POST ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
  return { answer: () => received, closed: () => closed, destroy: () => socket.destroy() };
}

const answered = (exchange: Exchange) =>
  waitFor(() => (/^HTTP\/1\.1 \d{3}/.test(exchange.answer()) && exchange.closed() ? exchange.answer() : undefined), {
    message: () =>
      'an answer, and the connection closed, before any body byte ' +
      `(got ${JSON.stringify(exchange.answer().slice(0, 200))})`,
  });

const signed = { 'x-hub-signature-256': 'sha256=00', 'x-github-event': 'pull_request', 'x-github-delivery': 'd-1' };

describe('a delivery that cannot be one is refused from its headers', () => {
  it.each([
    ['an unknown provider', '/api/v1/webhooks/nowhere', signed, 404, 'no webhooks configured for provider nowhere'],
    [
      'a provider without a webhook secret',
      '/api/v1/webhooks/ghe',
      signed,
      404,
      'no webhooks configured for provider ghe',
    ],
    [
      'no signature',
      '/api/v1/webhooks/github',
      { 'x-github-event': 'pull_request', 'x-github-delivery': 'd-2' },
      401,
      'missing signature',
    ],
    [
      'no delivery id',
      '/api/v1/webhooks/github',
      { 'x-hub-signature-256': 'sha256=00', 'x-github-event': 'pull_request' },
      400,
      'missing delivery id',
    ],
    [
      'GitLab: no X-Gitlab-Token',
      '/api/v1/webhooks/gitlab',
      { 'x-gitlab-event': 'Merge Request Hook', 'x-gitlab-event-uuid': 'u-1' },
      401,
      'missing token',
    ],
    [
      'GitLab: a GitHub signature is no GitLab token',
      '/api/v1/webhooks/gitlab',
      { ...signed, 'x-gitlab-event-uuid': 'u-2' },
      401,
      'missing token',
    ],
    [
      'GitLab: no X-Gitlab-Event-UUID',
      '/api/v1/webhooks/gitlab',
      { 'x-gitlab-token': 'gl-token', 'x-gitlab-event': 'Merge Request Hook' },
      400,
      'missing delivery id',
    ],
  ])('%s: answered before the 20 MiB body it announced is sent', async (_what, path, headers, status, message) => {
    const exchange = announce(path, headers);
    try {
      const answer = await answered(exchange);
      expect(answer).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(answer).toContain(`"message":"${message}"`);
      expect(answer.toLowerCase()).toContain('connection: close');
    } finally {
      exchange.destroy();
    }
  });

  it('a signed-looking delivery whose body never comes is cut off by the request timeout', async () => {
    const exchange = announce('/api/v1/webhooks/github', signed, 1024);
    try {
      await waitFor(() => (/^HTTP\/1\.1 408 /.test(exchange.answer()) ? true : undefined), {
        timeoutMs: 20_000,
        message: () => `408 for a stalled body (got ${JSON.stringify(exchange.answer().slice(0, 200))})`,
      });
    } finally {
      exchange.destroy();
    }
  });
});
