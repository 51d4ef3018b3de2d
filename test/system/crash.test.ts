import { System } from './harness.js';
import { killNineRecovery } from './scenarios.js';

const scenario = killNineRecovery();

/** On one Redis server; cluster.test.ts runs the same on a Redis Cluster. */
let s: System | undefined;
afterAll(() => s?.close());

it(
  scenario.title,
  async () => {
    s = await System.start(scenario.options);
    await scenario.run(s);
  },
  scenario.timeoutMs,
);
