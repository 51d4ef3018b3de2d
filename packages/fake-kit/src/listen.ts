import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on `port` (0 = a free one the server picks) and answers the base URL that reaches it. */
export async function listen(server: Server, options: { port?: number; host?: string } = {}): Promise<string> {
  // Benchmarks hammer the fakes over keep-alive; do not let idle sockets expire mid-run.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return `http://${urlHost(address.address)}:${address.port}`;
}

/** A URL host for the bound address; wildcard binds are reached over loopback. */
function urlHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
}
