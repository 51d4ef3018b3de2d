import type { DiffStatusChangeEvent } from '@gitsync/contracts';
import { startFakeGitHub, type FakeGitHub } from '@gitsync/github-fake';
import { ApiError, type EventStream, type GitsyncClient } from '@gitsync/sdk';
import { startApp, stopAll, waitFor, type StartedApp } from '@gitsync/testing';
import { githubProvider, startApi, type ApiHarness } from './harness.js';

/**
 * Live events end to end: a worker in another process refreshes a chat and publishes on Redis;
 * this API process relays it to the event streams of those allowed to see it.
 */
let fake: FakeGitHub;
let h: ApiHarness;
let worker: StartedApp;
let ada: GitsyncClient;
let bob: GitsyncClient;
let adaId: string;
let origin: string;

/** Collects a stream's events in the background. */
function collect(stream: EventStream): DiffStatusChangeEvent[] {
  const seen: DiffStatusChangeEvent[] = [];
  void (async () => {
    for await (const event of stream) seen.push(event);
  })();
  return seen;
}

async function member(username: string): Promise<{ client: GitsyncClient; id: string }> {
  const user = await h.client().createUser({ username });
  const client = h.client(user.api_key);
  fake.addToken(`ghp_${username}`, { login: username });
  await client.linkToken('me', 'github', { access_token: `ghp_${username}` });
  return { client, id: user.id };
}

beforeAll(async () => {
  fake = await startFakeGitHub();
  h = await startApi({ providers: [githubProvider(fake.apiBaseUrl)], sseHeartbeatMs: 100 });
  worker = await startApp('worker', {
    DATABASE_URL: h.t.url,
    REDIS_URL: h.r.url,
    GITSYNC_QUEUE_PREFIX: h.r.prefix,
    GITSYNC_EXTERNAL_AUTH_1_ID: 'github',
    GITSYNC_EXTERNAL_AUTH_1_API_BASE_URL: fake.apiBaseUrl,
    GITSYNC_WORKER_CONCURRENCY: '20',
    LOG_LEVEL: 'warn',
  });
  origin = `${fake.url}/acme/app.git`;
  ({ client: ada, id: adaId } = await member('ada'));
  ({ client: bob } = await member('bob'));
}, 60_000);
afterAll(async () => {
  if (worker) await stopAll([worker]);
  await h?.close();
  await fake?.close();
}, 30_000);

describe('GET /api/v1/events', () => {
  it("delivers a change made by another process's worker to its owner, and to no other member", async () => {
    const adaStream = await ada.events();
    const bobStream = await bob.events();
    expect(adaStream.scope).toBe('own');
    const adaSeen = collect(adaStream);
    const bobSeen = collect(bobStream);

    const pr = fake.createPullRequest({ owner: 'acme', repo: 'app', head: 'feat/live', title: 'Live', additions: 12 });
    const chat = await ada.createChat({ title: 'live' });
    // The report publishes (stale), then the worker process refreshes it and publishes the PR.
    await ada.reportGit(chat.id, { branch: 'feat/live', remote_origin: origin });
    await ada.refreshDiffStatus(chat.id);
    const event = await waitFor(() => adaSeen.find((e) => e.chat.diff_status?.url === pr.htmlUrl), {
      message: 'the refreshed event',
    });
    expect(event).toMatchObject({
      kind: 'diff_status_change',
      chat: {
        id: chat.id,
        owner_id: expect.any(String),
        diff_status: { pull_request_title: 'Live', additions: 12, pull_request_state: 'open' },
      },
    });
    expect(worker.output()).not.toMatch(/"level":(50|60)/);

    // bob's own change reaches bob; it proves his stream works, and by then ada's would have arrived too.
    const bobChat = await bob.createChat({});
    await bob.reportGit(bobChat.id, { branch: 'feat/bob', remote_origin: origin });
    await waitFor(() => bobSeen.some((e) => e.chat.id === bobChat.id), { message: "bob's own event" });
    expect(bobSeen.filter((e) => e.chat.id === chat.id)).toEqual([]);
    expect(adaSeen.filter((e) => e.chat.id === bobChat.id)).toEqual([]);
    adaStream.close();
    bobStream.close();
  });

  it('gives an admin every owner’s changes', async () => {
    const stream = await h.client().events();
    expect(stream.scope).toBe('all');
    const seen = collect(stream);
    const a = await ada.createChat({});
    const b = await bob.createChat({});
    await ada.reportGit(a.id, { branch: 'feat/a', remote_origin: origin });
    await bob.reportGit(b.id, { branch: 'feat/b', remote_origin: origin });
    await waitFor(() => seen.some((e) => e.chat.id === a.id) && seen.some((e) => e.chat.id === b.id), {
      message: 'both owners’ events',
    });
    stream.close();
  });

  it('shares one subscriber connection, sends heartbeats, and frees the subscription on disconnect', async () => {
    /** This API process's subscriber connections, with their channel and pattern counts. */
    const hubConnections = async () =>
      ((await h.r.client.client('LIST')) as string)
        .split('\n')
        .filter((line) => line.includes(` name=${h.r.prefix}:api-events `))
        .map((line) => ({ sub: Number(/ sub=(\d+)/.exec(line)?.[1]), psub: Number(/ psub=(\d+)/.exec(line)?.[1]) }));
    const adaSubscribers = async () =>
      ((await h.r.client.pubsub('NUMSUB', `chat:owner:${adaId}`)) as [string, number])[1];
    const comments: string[] = [];
    const streams = await Promise.all([
      ada.events({ onComment: (c) => comments.push(c) }),
      ada.events(),
      h.client().events(),
      h.client().events(),
    ]);
    // Four streams, one connection: two channels (ada's, and key revocations) and one pattern (the admins').
    expect(await hubConnections()).toEqual([{ sub: 2, psub: 1 }]);
    expect(await adaSubscribers()).toBe(1);
    collect(streams[0]!); // comments are seen as the stream is read
    await waitFor(() => comments.includes('heartbeat'), { message: 'a heartbeat comment' });

    const open = () =>
      new Promise<number>((resolve, reject) =>
        h.app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))),
      );
    const before = await open();
    streams[0]!.close();
    streams[2]!.close();
    // The server has seen both streams go (and so had its chance to unsubscribe wrongly).
    await waitFor(async () => (await open()) <= before - 2 || undefined, {
      message: 'the two closed streams to end on the server',
    });
    expect(await hubConnections()).toEqual([{ sub: 2, psub: 1 }]); // the other two still listen
    streams[1]!.close();
    streams[3]!.close();
    await waitFor(async () => JSON.stringify(await hubConnections()) === '[{"sub":0,"psub":0}]', {
      message: 'subscriptions released',
    });
    expect(await adaSubscribers()).toBe(0);
  });

  it('refuses a missing key', async () => {
    const res = await fetch(`${h.baseUrl}/api/v1/events`);
    expect(res.status).toBe(401);
    await expect(h.client('gsk_nope').events()).rejects.toEqual(new ApiError(401, 'unknown API key'));
  });
});
