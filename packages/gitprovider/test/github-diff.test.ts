import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGitHubProvider, type GitHubProvider } from '../src/index.js';

/** A server that streams a 5 MiB diff in chunks, without Content-Length: only a running count can stop it. */
let server: Server;
let provider: GitHubProvider;
const MiB = 1024 * 1024;

beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', etag: '"d1"' });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let left = 5 * MiB;
    const pump = (): void => {
      while (left > 0) {
        left -= chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => (left = 0));
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  provider = createGitHubProvider({ id: 'github', apiBaseUrl: `http://127.0.0.1:${port}/api/v3` });
});
afterAll(async () => {
  await provider.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

it('stops reading a chunked diff at the cap: never more than the cap reaches the sink', async () => {
  let written = 0;
  const pr = provider.parsePullRequestUrl(`${provider.webBaseUrl}/o/r/pull/1`)!;
  const result = await provider.fetchDiff(
    't',
    { kind: 'pull', pr },
    {
      ifNoneMatch: null,
      maxBytes: 4 * MiB,
      write: async (chunk) => {
        written += chunk.length;
      },
    },
  );
  expect(result).toEqual({ kind: 'too_large', maxBytes: 4 * MiB });
  expect(written).toBeLessThanOrEqual(4 * MiB);
  expect(written).toBeGreaterThan(3 * MiB);
});
