import { System } from './harness.js';
import { rateLimitWindow } from './scenarios.js';

/** On one Redis server; cluster.test.ts runs the same on a Redis Cluster. */
let s: System | undefined;
afterAll(() => s?.close());

it(
  rateLimitWindow.title,
  async () => {
    s = await System.start(rateLimitWindow.options);
    await rateLimitWindow.run(s);
  },
  rateLimitWindow.timeoutMs,
);
