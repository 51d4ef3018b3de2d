import { createChat, createUser, markStale } from '@gitsync/db';
import { dumpRedis, waitFor } from '@gitsync/testing';
import { System } from './harness.js';

/**
 * Issue 16: GitLab's 429 (Retry-After, RateLimit-Reset) blocks its group on every replica, as
 * GitHub's limits do: two worker processes, one limited GitLab token, one free; the limited rows
 * are refreshed after the window, nothing fails, no token in Redis or a log line.
 * Proved by the fake's request log, as in rate-limit-window.test.ts: one request of a group in
 * flight across replicas, so exactly one 429 means no replica called during the window.
 */
let s: System;
afterAll(() => s?.close());

const LIMITED = 'glpat-limited-secret';
const FREE = 'glpat-free-secret';

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
  s = await System.start({ fakeLatencyMs: 20, gitlab: {}, env: { GITSYNC_GROUP_MAX_IN_FLIGHT: '1' } });
  const [limitedOwner, freeOwner] = await Promise.all(
    ['limited', 'free'].map(async (username) => (await createUser(s.t.db, { username, role: 'member' })).id),
  );
  await s.gitlabToken(limitedOwner!, 'limited', LIMITED);
  await s.gitlabToken(freeOwner!, 'free', FREE);
  await s.startWorkers(2);
  await s.startSchedulers(1);

  const gitlab = s.gitlab!;
  gitlab.forceRateLimit(LIMITED, 3_000);
  // The free group waits at the fake until the limited one met its limit (see rate-limit-window).
  const freeHeld = gitlab.hold((r) => r.token === FREE);
  const limited = await gitlabRows(limitedOwner!, 'acme/platform/limited', 20);
  const free = await gitlabRows(freeOwner!, 'acme/platform/free', 20);
  try {
    await waitFor(() => gitlab.requests.some((r) => r.token === LIMITED && r.status === 429), {
      timeoutMs: 30_000,
      message: () => `the limited group to meet its limit\n${s.tail()}`,
    });
  } finally {
    freeHeld.release();
  }
  await s.waitAllRefreshed([...limited, ...free], 60_000);

  const ofLimited = gitlab.requests.filter((r) => r.token === LIMITED).sort((a, b) => a.arrival - b.arrival);
  expect(ofLimited.filter((r) => r.status === 429)).toHaveLength(1);
  const [met, next] = [ofLimited.find((r) => r.status === 429)!, ofLimited.find((r) => r.status === 200)!];
  expect(next.arrival).toBeGreaterThan(met.answered);
  const freeMeanwhile = gitlab.requests.filter(
    (r) => r.token === FREE && r.arrival > met.answered && r.arrival < next.arrival,
  );
  expect(freeMeanwhile.length).toBeGreaterThan(0);
  expect(await s.failedJobs()).toBe(0);

  const redisDump = await dumpRedis(s.redis, '*');
  const logs = s.apps.map((app) => app.output()).join('\n');
  expect(logs).toContain('"outcome":"rate_limited"');
  for (const secret of [LIMITED, FREE]) {
    expect(redisDump).not.toContain(secret);
    expect(logs).not.toContain(secret);
  }
}, 120_000);
