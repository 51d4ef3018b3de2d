import { createChat, createUser, markStale } from '@gitsync/db';
import { dumpRedis } from '@gitsync/testing';
import { System } from './harness.js';

/**
 * Issue 16: GitLab's 429 (Retry-After, RateLimit-Reset) blocks its group on every replica, as
 * GitHub's limits do: two worker processes, one limited GitLab token, one free; the limited rows
 * are refreshed after the window, nothing fails, no token in Redis or a log line.
 */
let s: System;
afterAll(() => s.close());

async function gitlabRows(owner: string, project: string, n: number): Promise<string[]> {
  const gl = s.gitlab!;
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const branch = `b${i}`;
    gl.createMergeRequest({ project, sourceBranch: branch });
    const chat = await createChat(s.t.db, { ownerId: owner, title: branch });
    await markStale(s.t.db, { chatId: chat.id, branch, remoteOrigin: `${gl.url}/${project}.git` });
    ids.push(chat.id);
  }
  return ids;
}

it('a 429 stops the group on every replica until its reset while the other group goes on', async () => {
  s = await System.start({ fakeLatencyMs: 20, gitlab: {} });
  const [limitedOwner, freeOwner] = await Promise.all(
    ['limited', 'free'].map(async (username) => (await createUser(s.t.db, { username, role: 'member' })).id),
  );
  await s.gitlabToken(limitedOwner!, 'limited', 'glpat-limited-secret');
  await s.gitlabToken(freeOwner!, 'free', 'glpat-free-secret');
  await s.startWorkers(2);
  await s.startSchedulers(1);

  const windowMs = 5_000;
  const windowStart = Date.now();
  s.gitlab!.forceRateLimit('glpat-limited-secret', windowMs);
  const windowEnd = windowStart + windowMs;
  const limited = await gitlabRows(limitedOwner!, 'acme/platform/limited', 20);
  const free = await gitlabRows(freeOwner!, 'acme/platform/free', 20);
  await s.waitAllRefreshed([...limited, ...free], 60_000);

  const requests = s.gitlab!.requests;
  const refused = requests.filter((r) => r.token === 'glpat-limited-secret' && r.status === 429);
  expect(refused.length).toBeGreaterThanOrEqual(1);
  const firstRefused = Math.min(...refused.map((r) => r.at));
  // Requests in flight when the first 429 was seen may still land just after it.
  const duringWindow = requests.filter(
    (r) => r.token === 'glpat-limited-secret' && r.at > firstRefused + 1_000 && r.at < windowEnd,
  );
  expect(duringWindow).toEqual([]);
  expect(requests.filter((r) => r.token === 'glpat-free-secret' && r.at < windowEnd).length).toBeGreaterThan(0);
  expect(await s.failedJobs()).toBe(0);

  const redisDump = await dumpRedis(s.redis, '*');
  const logs = s.apps.map((app) => app.output()).join('\n');
  expect(logs).toContain('"outcome":"rate_limited"');
  for (const secret of ['glpat-limited-secret', 'glpat-free-secret']) {
    expect(redisDump).not.toContain(secret);
    expect(logs).not.toContain(secret);
  }
}, 120_000);
