import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { sql } from 'drizzle-orm';
import { sign } from '@octokit/webhooks-methods';
import examples from '@octokit/webhooks-examples';
import { createChat, getDiffStatus, markStale } from '@gitsync/db';
import { repositoryKey } from '@gitsync/gitprovider';
import { PULL_REQUEST_ACTIONS, REVIEW_ACTIONS } from '@gitsync/webhooks';
import { waitFor } from '@gitsync/testing';
import { Pipeline, type ApiProcess } from './harness.js';

/**
 * Webhooks end to end: GitHub's own example payloads (pointed at the fake GitHub), signed here,
 * posted over HTTP to an API process; the rows tracking the PR are refreshed by a real worker, and nothing else.
 */
const SECRET = 'whsec_test_secret';
let p: Pipeline;
let h: ApiProcess;
let owner: string;

beforeAll(async () => {
  p = await Pipeline.start();
  h = await p.startApi({ GITSYNC_EXTERNAL_AUTH_1_WEBHOOK_SECRET: SECRET });
  owner = await p.user('octo', 'ghp_webhook_owner');
  await p.listen(owner);
}, 60_000);
afterAll(async () => {
  await h?.close();
  await p?.close();
}, 60_000);

/**
 * The status of a delivery that declares `bytes` of body and sends none of it: a delivery past the
 * limit is refused from its headers, before a byte of its body is read. (Sending the body as well
 * would race the API closing the connection after its answer: EPIPE on a busy machine.)
 */
function declareDelivery(bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${h.baseUrl}/api/v1/webhooks/github`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': bytes,
          'x-github-event': 'pull_request',
          'x-github-delivery': randomUUID(),
          // Checked against the body, which is never read: any well-formed signature gets that far.
          'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      },
    );
    req.on('error', reject);
    req.flushHeaders();
  });
}

type Payload = Record<string, any>;
const examplesOf = (name: string) => (examples.find((e) => e.name === name)?.examples ?? []) as unknown as Payload[];

/** Posts a delivery as GitHub does: JSON body, event name, delivery id and signature headers. */
async function deliver(event: string, body: string | Payload, options: { secret?: string; delivery?: string } = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${h.baseUrl}/api/v1/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': options.delivery ?? randomUUID(),
      'x-hub-signature-256': await sign(options.secret ?? SECRET, raw),
    },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The example with its URLs moved to the fake GitHub, and its PR created there with the same number. */
function onFake(example: Payload): Payload {
  const moved = JSON.parse(JSON.stringify(example).replaceAll('https://github.com/', `${p.fake.url}/`)) as Payload;
  const [ownerLogin, repo] = (moved.repository.full_name as string).split('/') as [string, string];
  while (!p.fake.getPullRequest(ownerLogin, repo, moved.pull_request.number)) {
    p.fake.createPullRequest({
      owner: ownerLogin,
      repo,
      head: moved.pull_request.head.ref,
      title: moved.pull_request.title,
    });
  }
  return moved;
}

/**
 * The PR url the row ends with: the payload's, unless the fake does not serve it (one example's
 * PR lives in another repository than its `repository`) — then the branch's PR, found again.
 */
function servedUrl(payload: Payload): string {
  const [, o, r, n] = /\/([^/]+)\/([^/]+)\/pull\/(\d+)$/.exec(payload.pull_request.html_url as string) ?? [];
  if (p.fake.getPullRequest(o!, r!, Number(n))) return payload.pull_request.html_url;
  const [owner, repo] = (payload.repository.full_name as string).split('/') as [string, string];
  const open = [];
  for (
    let number = 1, pr = p.fake.getPullRequest(owner, repo, 1);
    pr;
    pr = p.fake.getPullRequest(owner, repo, ++number)
  ) {
    if (pr.head === payload.pull_request.head.ref && pr.state === 'open') open.push(pr);
  }
  // As GitHub's search by head answers: the most recently updated first.
  return open.sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())[0]!.htmlUrl;
}

/** A chat working on the PR's head: its repository (a fork's, for a fork's PR) and branch. */
async function trackingChat(payload: Payload, branch: string = payload.pull_request.head.ref): Promise<string> {
  const chat = await createChat(p.t.db, { ownerId: owner });
  await markStale(p.t.db, { chatId: chat.id, branch, remoteOrigin: `${payload.pull_request.head.repo.html_url}.git` });
  return chat.id;
}

/** Rows a delivery about this PR must refresh: those that know its url or work on its head. */
async function rowsTracking(payload: Payload): Promise<string[]> {
  const key = repositoryKey(payload.pull_request.head.repo.html_url as string);
  const result = await p.t.db.execute<{ chat_id: string }>(sql`
    select chat_id from chat_diff_statuses
    where url = ${payload.pull_request.html_url}
       or (repo_key = ${key} and git_branch = ${payload.pull_request.head.ref})`);
  return result.rows.map((r) => r.chat_id).sort();
}

/**
 * The chats whose jobs started since `p.jobs` had `since` entries, once the queue has nothing left
 * to do. Deliveries queue their jobs before they answer, and this file runs no scheduler: what a
 * delivery queued has run by then, and nothing else has.
 */
async function jobsSince(since: number): Promise<string[]> {
  await waitFor(
    async () => {
      const counts = await p.producer.queue.getJobCounts(
        'wait',
        'prioritized',
        'delayed',
        'active',
        'waiting-children',
      );
      return Object.values(counts).every((n) => n === 0);
    },
    { message: 'the queue to have nothing left to do' },
  );
  return p.jobs
    .slice(since)
    .filter((j) => j.event === 'active')
    .map((j) => j.chatId)
    .sort();
}

const refreshedRow = (chatId: string) =>
  waitFor(
    async () => {
      const row = await getDiffStatus(p.t.db, chatId);
      return row?.lastOutcome === 'refreshed' ? row : undefined;
    },
    { message: () => `row ${chatId} refreshed by a webhook` },
  );

/** A chat tracking a new PR "Before" of acme/{name} on feat/{name}, and that PR's deliveries by action. */
async function trackedPullRequest(name: string) {
  const head = `feat/${name}`;
  const pr = p.fake.createPullRequest({ owner: 'acme', repo: name, head, title: 'Before' });
  const chat = await createChat(p.t.db, { ownerId: owner });
  await markStale(p.t.db, { chatId: chat.id, branch: head, remoteOrigin: `${p.fake.url}/acme/${name}.git` });
  const repo = { html_url: `${p.fake.url}/acme/${name}`, full_name: `acme/${name}` };
  const event = (action: string) => ({
    action,
    repository: repo,
    pull_request: { html_url: pr.htmlUrl, number: pr.number, head: { ref: head, repo } },
  });
  return { pr, chat, event };
}

describe('POST /api/v1/webhooks/{provider}', () => {
  it.each([
    ['pull_request', PULL_REQUEST_ACTIONS],
    ['pull_request_review', REVIEW_ACTIONS],
  ] as const)('refreshes exactly the rows tracking the PR for every supported %s action', async (event, supported) => {
    const payloads = examplesOf(event).filter((e) => (supported as readonly string[]).includes(e.action));
    expect(payloads.length).toBeGreaterThan(0);
    for (const example of payloads) {
      const payload = onFake(example);
      const tracking = await trackingChat(payload);
      const other = await trackingChat(payload, `${payload.pull_request.head.ref}-other`);
      const expected = await rowsTracking(payload);
      expect(expected).toContain(tracking);
      expect(expected).not.toContain(other);
      const since = p.jobs.length;
      const res = await deliver(event, payload);
      expect(res).toEqual({ status: 202, body: { refreshing: expected.length } });
      // Exactly those rows' jobs ran, each once: the other branch's chat had none.
      expect(await jobsSince(since)).toEqual(expected);
      const row = await refreshedRow(tracking);
      expect(row.url).toBe(servedUrl(payload));
      expect((await getDiffStatus(p.t.db, other))!.lastOutcome).toBeNull();
    }
  });

  it('ignores other events and unsupported actions, answers ping', async () => {
    expect(await deliver('push', examplesOf('push')[0]!)).toMatchObject({
      status: 202,
      body: { ignored: expect.any(String) },
    });
    const labeled = examplesOf('pull_request').find((e) => e.action === 'labeled')!;
    expect(await deliver('pull_request', labeled)).toMatchObject({
      status: 202,
      body: { ignored: expect.stringContaining('labeled') },
    });
    expect(await deliver('ping', examplesOf('ping')[0]!)).toEqual({ status: 200, body: { ok: true } });
  });

  it('refuses a wrong or missing signature and changes nothing', async () => {
    const payload = onFake(examplesOf('pull_request').find((e) => e.action === 'synchronize')!);
    // Tracked but not due: only a delivery could get it refreshed (the pipeline's scheduler runs).
    const chatId = (await createChat(p.t.db, { ownerId: owner })).id;
    await p.t.db.execute(sql`
      insert into chat_diff_statuses (chat_id, git_branch, git_remote_origin, stale_at)
      values (${chatId}, ${payload.pull_request.head.ref}, ${`${payload.repository.html_url}.git`},
              now() + interval '1 day')`);
    expect(await deliver('pull_request', payload, { secret: 'not-the-secret' })).toMatchObject({
      status: 401,
      body: { message: 'invalid signature' },
    });
    const unsigned = await fetch(`${h.baseUrl}/api/v1/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request' },
      body: JSON.stringify(payload),
    });
    expect(unsigned.status).toBe(401);
    // No job for this chat (other tests' rows may still have theirs).
    expect(await p.producer.queue.getDeduplicationJobId(chatId)).toBeNull();
    expect((await getDiffStatus(p.t.db, chatId))!.lastOutcome).toBeNull();
  });

  it('processes one delivery once, however often GitHub sends it', async () => {
    const payload = onFake(examplesOf('pull_request').find((e) => e.action === 'reopened')!);
    const tracking = await trackingChat(payload);
    const delivery = randomUUID();
    const since = p.jobs.length;
    const first = await deliver('pull_request', payload, { delivery });
    expect(first).toEqual({ status: 202, body: { refreshing: expect.any(Number) } });
    const ran = await jobsSince(since);
    expect(ran).toHaveLength(first.body.refreshing as number);
    expect(ran).toContain(tracking);
    const requests = p.fake.requests.length;

    expect(await deliver('pull_request', payload, { delivery })).toEqual({ status: 202, body: { duplicate: true } });
    // No second job ran, and the fake GitHub was asked nothing more.
    expect(await jobsSince(since)).toEqual(ran);
    expect(p.fake.requests.length).toBe(requests);
    // Another delivery of the same event is not a duplicate: the same rows run again.
    expect((await deliver('pull_request', payload)).body).toEqual({ refreshing: ran.length });
    expect(await jobsSince(since)).toEqual([...ran, ...ran].sort());
  });

  it("forgets a delivery it failed to process, so that GitHub's redelivery is not taken for a duplicate", async () => {
    const payload = onFake(examplesOf('pull_request').find((e) => e.action === 'reopened')!);
    await trackingChat(payload);
    const delivery = randomUUID();
    // The look-up of the tracking rows fails: Postgres has no such table for a moment.
    await p.t.db.execute(sql`alter table chat_diff_statuses rename to chat_diff_statuses_away`);
    try {
      expect((await deliver('pull_request', payload, { delivery })).status).toBe(500);
    } finally {
      await p.t.db.execute(sql`alter table chat_diff_statuses_away rename to chat_diff_statuses`);
    }
    expect(await deliver('pull_request', payload, { delivery })).toEqual({
      status: 202,
      body: { refreshing: expect.any(Number) },
    });
  });

  it('answers 400 for malformed JSON, 413 past 25 MiB, 404 for a provider without webhooks', async () => {
    expect(await deliver('pull_request', '{"action":')).toMatchObject({
      status: 400,
      body: { detail: 'the delivery is not JSON' },
    });
    expect(await declareDelivery(26 * 1024 * 1024)).toBe(413);
    const res = await fetch(`${h.baseUrl}/api/v1/webhooks/gitlab`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(404);
  });

  it(
    "a fork's PR refreshes the chats working in the fork, " +
      "never the base repository's chats on a branch of that name",
    async () => {
      const upstreamPr = p.fake.createPullRequest({
        owner: 'acme',
        repo: 'forked',
        head: 'main',
        base: 'release',
        title: 'Upstream',
      });
      const forkPr = p.fake.createPullRequest({
        owner: 'acme',
        repo: 'forked',
        head: 'main',
        headOwner: 'mallory',
        headRepo: 'forked',
        title: 'From a fork',
      });
      const upstream = [await createChat(p.t.db, { ownerId: owner }), await createChat(p.t.db, { ownerId: owner })];
      for (const chat of upstream) {
        await markStale(p.t.db, {
          chatId: chat.id,
          branch: 'main',
          remoteOrigin: `git@127.0.0.1:acme/forked.git`,
          pullRequestUrl: upstreamPr.htmlUrl,
        });
      }
      const forkChat = await createChat(p.t.db, { ownerId: owner });
      await markStale(p.t.db, {
        chatId: forkChat.id,
        branch: 'main',
        remoteOrigin: `${p.fake.url}/mallory/forked.git`,
      });
      await p.scheduler.drain();
      await Promise.all([...upstream.map((c) => refreshedRow(c.id)), refreshedRow(forkChat.id)]);
      // Not due again for a day: only the delivery can queue them now.
      await p.t.db.execute(
        sql`update chat_diff_statuses set stale_at = now() + interval '1 day', last_outcome = null
          where chat_id in (${upstream[0]!.id}, ${upstream[1]!.id}, ${forkChat.id})`,
      );

      const repository = { html_url: `${p.fake.url}/acme/forked`, full_name: 'acme/forked' };
      const head = { ref: 'main', repo: { html_url: `${p.fake.url}/mallory/forked`, full_name: 'mallory/forked' } };
      const delivery = {
        action: 'synchronize',
        repository,
        pull_request: { html_url: forkPr.htmlUrl, number: forkPr.number, head },
      };
      expect(await deliver('pull_request', delivery)).toEqual({ status: 202, body: { refreshing: 1 } });
      for (const chat of upstream) expect(await p.producer.queue.getDeduplicationJobId(chat.id)).toBeNull();
      expect((await refreshedRow(forkChat.id)).url).toBe(forkPr.htmlUrl);
      for (const chat of upstream)
        expect(await getDiffStatus(p.t.db, chat.id)).toMatchObject({ url: upstreamPr.htmlUrl, lastOutcome: null });
    },
  );

  it('rechecks the rows whose PR head is the commit of a check_run, check_suite or status delivery', async () => {
    const pr = p.fake.createPullRequest({ owner: 'acme', repo: 'ci', head: 'feat/ci' });
    const other = p.fake.createPullRequest({ owner: 'acme', repo: 'ci', head: 'feat/other' });
    const chatOf = async (branch: string) => {
      const chat = await createChat(p.t.db, { ownerId: owner });
      await markStale(p.t.db, { chatId: chat.id, branch, remoteOrigin: `${p.fake.url}/acme/ci.git` });
      return chat.id;
    };
    const [mine, theirs] = [await chatOf('feat/ci'), await chatOf('feat/other')];
    // Known heads, as a first refresh leaves them; then nothing is due until a delivery says so.
    await p.t.db.execute(sql`update chat_diff_statuses set stale_at = now() + interval '1 hour',
      head_sha = case when chat_id = ${mine} then ${pr.headSha} else ${other.headSha} end
      where chat_id in (${mine}, ${theirs})`);
    const run = p.fake.addCheckRun('acme', 'ci', pr.headSha, { name: 'build' });
    p.fake.updateCheckRun('acme', 'ci', run.id, { conclusion: 'failure' });
    const checkRun = examplesOf('check_run').find((e) => e.action === 'completed')!;
    const delivery = { ...checkRun, check_run: { ...checkRun.check_run, head_sha: pr.headSha } };
    expect(await deliver('check_run', delivery)).toEqual({ status: 202, body: { refreshing: 1 } });
    expect(await refreshedRow(mine)).toMatchObject({ checksState: 'failure', checksFailed: 1 });
    expect((await getDiffStatus(p.t.db, theirs))!.lastOutcome).toBeNull();

    const status = { ...examplesOf('status')[0]!, sha: other.headSha };
    expect(await deliver('status', status)).toEqual({ status: 202, body: { refreshing: 1 } });
    await refreshedRow(theirs);
    const suite = examplesOf('check_suite').find((e) => e.action === 'completed')!;
    const unknown = { ...suite, check_suite: { ...suite.check_suite, head_sha: 'c'.repeat(40) } };
    expect(await deliver('check_suite', unknown)).toEqual({ status: 202, body: { refreshing: 0 } });
  });

  it('refreshes again for a delivery that came while the row was being refreshed', async () => {
    const { pr, chat, event } = await trackedPullRequest('midway');
    // The first refresh has read the PR (open) and waits at the fake for its checks.
    const hold = p.fake.hold((r) => r.path.includes('/repos/acme/midway/commits/'));
    try {
      await deliver('pull_request', event('opened'));
      await waitFor(() => hold.waiting >= 1, { message: 'the first refresh to read the PR and ask for its checks' });
      p.fake.updatePullRequest('acme', 'midway', pr.number, { merged: true, title: 'After' });
      await deliver('pull_request', event('closed'));
    } finally {
      hold.release();
    }
    const merged = await waitFor(
      async () => {
        const row = await getDiffStatus(p.t.db, chat.id);
        return row?.pullRequestState === 'merged' ? row : undefined;
      },
      { message: 'the merge, read by a refresh after the one that was running' },
    );
    expect(merged.pullRequestTitle).toBe('After');
  });

  it('brings a PR change to the row and the event stream soon after the delivery', async () => {
    const { pr, chat, event } = await trackedPullRequest('live');
    await deliver('pull_request', event('opened'));
    await refreshedRow(chat.id);

    p.fake.updatePullRequest('acme', 'live', pr.number, { merged: true, title: 'After' });
    const sentAt = Date.now();
    await deliver('pull_request', event('closed'));
    const seen = await waitFor(
      () => p.events.find((e) => e.chat.id === chat.id && e.chat.diff_status?.pull_request_state === 'merged'),
      {
        timeoutMs: 10_000,
      },
    );
    expect(seen.chat.diff_status?.pull_request_title).toBe('After');
    console.log(`webhook → diff_status_change event in ${Date.now() - sentAt} ms`);
  });
});
