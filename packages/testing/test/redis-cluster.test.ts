import { startPrivateCluster } from '../src/redis-cluster.js';
import { scanKeys } from '../src/redis.js';

/** The cluster the system tests run on: three masters that share the slots, and errors that say why. */
it('starts three masters that share every slot; SCAN helpers see the keys of all of them', async () => {
  const cluster = await startPrivateCluster();
  try {
    const nodes = cluster.client.nodes('master');
    expect(nodes).toHaveLength(3);
    const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
    for (const key of keys) await cluster.client.set(key, '1');
    // Keys without a shared tag land on every master.
    const perNode = await Promise.all(nodes.map((node) => node.dbsize()));
    expect(perNode.every((n) => n > 0)).toBe(true);
    expect((await scanKeys(cluster.client, 'k*')).sort()).toEqual([...keys].sort());
  } finally {
    await cluster.stop();
  }
}, 60_000);

it('fails at once with what redis-server printed when a node does not start', async () => {
  await expect(startPrivateCluster(3, ['--no-such-directive', 'x'])).rejects.toThrow(
    /redis-server on port \d+ exited at start:[\s\S]*no-such-directive/,
  );
}, 30_000);
