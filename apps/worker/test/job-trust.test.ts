import { getDiffStatus } from '@gitsync/db';
import { jobCatalog, PRIORITY } from '@gitsync/queue';
import { waitFor } from '@gitsync/testing';
import { Pipeline } from './harness.js';

/**
 * A job is a pointer: whoever can write a job (Redis, Bull Board's job editor) names a chat and
 * nothing else. The owner whose token is used always comes from Postgres.
 */
let p: Pipeline;
beforeAll(async () => {
  p = await Pipeline.start();
});
afterAll(() => p?.close());

it("a job that names another owner cannot borrow that owner's token", async () => {
  const victim = await p.user('victim', 'ghp_victim_token');
  const mallory = await p.user('mallory'); // no token linked
  p.fake.createPullRequest({ owner: 'acme', repo: 'secret', head: 'x' });
  const target = await p.chat(mallory, 'acme/secret', 'x');
  const row = (await getDiffStatus(p.t.db, target))!;

  // Written by hand, as an attacker with Redis access would: the payload claims the victim as owner.
  await p.producer.queue.add(
    'refresh-diff-status',
    { chatId: target, generation: row.generation, ownerId: victim, remoteOrigin: row.gitRemoteOrigin, branch: 'x' },
    { priority: PRIORITY.onDemand, attempts: jobCatalog['refresh-diff-status'].retry.attempts },
  );
  const settled = await waitFor(async () => {
    const r = await getDiffStatus(p.t.db, target);
    return r?.lastOutcome ? r : undefined;
  });
  // Mallory's own (missing) token decided it: no request reached GitHub at all.
  expect(settled.lastOutcome).toBe('no_token');
  expect(p.fake.requests.filter((r) => r.token === 'ghp_victim_token')).toEqual([]);
  expect(settled.url).toBeNull();
});
