import { createServer, type Server } from 'node:http';

export type HealthCheck = () => Promise<unknown>;

/**
 * `/healthz` (the process is alive) and `/readyz` (every check resolves) for processes that have
 * no HTTP API of their own — what docker-compose's health checks and orchestrators probe.
 */
export interface HealthServerOptions {
  port: number;
  host?: string;
  checks: Record<string, HealthCheck>;
  /** Prometheus text for `/metrics` (each replica is scraped on its own). */
  metrics?: { contentType: string; render(): Promise<string> };
}

export async function startHealthServer(options: HealthServerOptions): Promise<Server> {
  const server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/healthz') return reply(200, { status: 'ok' });
    if (req.url === '/metrics' && options.metrics) {
      const { contentType, render } = options.metrics;
      void render().then(
        (text) => {
          res.writeHead(200, { 'content-type': contentType });
          res.end(text);
        },
        () => reply(500, { message: 'metrics failed' }),
      );
      return;
    }
    if (req.url !== '/readyz') return reply(404, { message: 'not found' });
    const names = Object.keys(options.checks);
    void Promise.allSettled(names.map((name) => options.checks[name]!())).then((results) => {
      const checks = Object.fromEntries(names.map((name, i) => [name, results[i]!.status === 'fulfilled']));
      const ready = Object.values(checks).every(Boolean);
      reply(ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', checks });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  return server;
}
