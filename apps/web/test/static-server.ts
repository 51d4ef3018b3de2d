import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import path from 'node:path';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
  '.json': 'application/json',
  '.png': 'image/png',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * What production will do (the API serving `apps/web/dist` at `/`), in a few lines: files from
 * `dir`, index.html for any other page, and `/api/*` proxied to the API, streamed (the event
 * stream must not be buffered) and torn down when the browser goes away.
 */
export async function serveStatic(dir: string, apiUrl: string): Promise<StaticServer> {
  const api = new URL(apiUrl);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/')) {
      const upstream = request(
        { host: api.hostname, port: api.port, method: req.method, path: req.url, headers: { ...req.headers, host: api.host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end('{"message":"API unreachable"}');
        else res.destroy();
      });
      res.on('close', () => upstream.destroy());
      req.pipe(upstream);
      return;
    }
    const file = path.join(dir, path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
    void stat(file).then(
      (s) => (s.isFile() ? file : path.join(dir, 'index.html')),
      () => path.join(dir, 'index.html'),
    ).then((found) => {
      res.writeHead(200, { 'content-type': types[path.extname(found)] ?? 'application/octet-stream' });
      createReadStream(found).pipe(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
