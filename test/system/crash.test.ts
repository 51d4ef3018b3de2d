import { System } from './harness.js';
import { killNineRecovery } from './scenarios.js';

/** On one Redis server; cluster.test.ts runs the same on a Redis Cluster. */
let s: System | undefined;
afterAll(() => s?.close());

it(
  killNineRecovery.title,
  async () => {
    s = await System.start(killNineRecovery.options);
    await killNineRecovery.run(s);
  },
  killNineRecovery.timeoutMs,
);
