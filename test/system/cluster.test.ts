import { startPrivateCluster, type PrivateCluster } from '@gitsync/testing';
import { System } from './harness.js';
import { apiRefresh, killNineRecovery, rateLimitWindow } from './scenarios.js';

/**
 * Issue 17: the system on a Redis Cluster of three masters, configured as operators would
 * (REDIS_URL listing the nodes, the queue prefix a hash tag): the same scenarios as on one
 * server (api-refresh, rate-limit-window and crash .test.ts).
 */
let cluster: PrivateCluster;
let s: System | undefined;
beforeAll(async () => {
  cluster = await startPrivateCluster();
}, 60_000);
afterEach(async () => {
  await s?.close();
  s = undefined;
}, 60_000);
afterAll(() => cluster?.stop());

// 600 rows for the kill: the recovery is the same, the run a third as long.
describe.each([apiRefresh, rateLimitWindow, killNineRecovery(600)])('on a Redis Cluster', (scenario) => {
  it(
    scenario.title,
    async () => {
      s = await System.start({ ...scenario.options, cluster });
      await scenario.run(s);
    },
    scenario.timeoutMs,
  );
});
