import { System } from './harness.js';
import { apiRefresh } from './scenarios.js';

/** On one Redis server; cluster.test.ts runs the same on a Redis Cluster. */
let s: System | undefined;
afterAll(() => s?.close());

it(
  apiRefresh.title,
  async () => {
    s = await System.start(apiRefresh.options);
    await apiRefresh.run(s);
  },
  apiRefresh.timeoutMs,
);
