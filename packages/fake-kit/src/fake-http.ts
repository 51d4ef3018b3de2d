import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Delays } from './delays.js';
import { Holds, type Hold, type HeldRequest } from './holds.js';
import { listen } from './listen.js';

/**
 * The HTTP life of a provider fake: its server, the requests tests hold, the latency they inject,
 * and a close that ends held and delayed requests unanswered rather than leaving them hanging.
 */
export class FakeHttp {
  private readonly holds = new Holds();
  private readonly delays = new Delays();
  private readonly server: Server;
  private latencyMs: number;
  private isClosed = false;

  constructor(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>, latencyMs = 0) {
    this.server = createServer((req, res) => void handle(req, res));
    this.latencyMs = Math.max(0, latencyMs);
  }

  /** Listens on loopback (port 0 = a free one) and answers the base URL. */
  listen(options: { port?: number; host?: string }): Promise<string> {
    return listen(this.server, options);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Before a request is answered: its holds, then the latency. False when the fake closed meanwhile. */
  async admit(request: HeldRequest): Promise<boolean> {
    if (!this.isClosed) await this.holds.pass(request);
    if (this.latencyMs > 0 && !this.isClosed) await this.delays.wait(this.latencyMs);
    return !this.isClosed;
  }

  hold(match: (request: HeldRequest) => boolean): Hold {
    return this.holds.add(match);
  }

  setLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.delays.endAll();
    // Held requests go on to find the fake closed, and end unanswered with their sockets.
    this.holds.releaseAll();
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await done;
  }
}
