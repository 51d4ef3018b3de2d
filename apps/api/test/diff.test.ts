import { startFakeGitHub, type FakeGitHub } from '@gitsync/github-fake';
import { ADMIN_KEY, githubProvider, startApi, type ApiHarness } from './harness.js';

/** `GET /api/v1/chats/{chat}/diff` over real HTTP against the fake GitHub. */
let fake: FakeGitHub;
let h: ApiHarness;
let ada: { id: string; api_key: string };
let bob: { id: string; api_key: string };
const TOKEN = 'ghp_diff_ada';

beforeAll(async () => {
  fake = await startFakeGitHub();
  fake.addToken(TOKEN, { login: 'ada' });
  h = await startApi({ providers: [githubProvider(fake.apiBaseUrl)] });
  ada = (await h.call('POST', '/api/v1/users', { body: { username: 'ada', role: 'member' } })).body;
  bob = (await h.call('POST', '/api/v1/users', { body: { username: 'bob', role: 'member' } })).body;
  const linked = await h.call('PUT', `/api/v1/users/${ada.id}/external-auth/github`, {
    body: { access_token: TOKEN },
  });
  expect(linked.status).toBe(204);
}, 60_000);
afterAll(async () => {
  await h?.close();
  await fake?.close();
});

/** One of ada's chats, reported on `branch` of acme/app (with the PR's url when given). */
async function chat(branch: string, pullRequestUrl?: string): Promise<string> {
  const created = await h.call('POST', '/api/v1/chats', { key: ada.api_key, body: { title: branch } });
  const report = {
    branch,
    remote_origin: `${fake.url}/acme/app.git`,
    ...(pullRequestUrl && { pull_request_url: pullRequestUrl }),
  };
  expect(
    (await h.call('POST', `/api/v1/chats/${created.body.id}/git`, { key: ada.api_key, body: report })).status,
  ).toBe(202);
  return created.body.id as string;
}

async function diffOf(chatId: string, key = ada.api_key) {
  const res = await fetch(`${h.baseUrl}/api/v1/chats/${chatId}/diff`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}

const fakeCalls = (fragment: string) => fake.requests.filter((r) => r.path.includes(fragment));

describe('GET /api/v1/chats/{chat}/diff', () => {
  it("serves the PR's diff byte for byte as text/x-diff, and asks again with its ETag (a 304)", async () => {
    const pr = fake.createPullRequest({ owner: 'acme', repo: 'app', head: 'feat/diff' });
    const diff = Buffer.from(
      'diff --git a/src/a.ts b/src/a.ts\nindex 1..2 100644\n--- a/src/a.ts\n+++ b/src/a.ts\n' +
        '@@ -1,2 +1,2 @@\n-const a = 1;\n+const a = "é\u00a0ü";\n \n\\ No newline at end of file\n',
    );
    fake.setPullRequestDiff('acme', 'app', pr.number, diff);
    const chatId = await chat('feat/diff', pr.htmlUrl);
    fake.clearRequests();

    const first = await diffOf(chatId);
    expect(first.status).toBe(200);
    expect(first.type).toBe('text/x-diff; charset=utf-8');
    expect(first.body.equals(diff)).toBe(true);
    const again = await diffOf(chatId);
    expect(again.body.equals(diff)).toBe(true);
    const calls = fakeCalls(`/pulls/${pr.number}`);
    expect(calls.map((c) => [c.status, c.conditional, c.token])).toEqual([
      [200, false, TOKEN],
      [304, true, TOKEN],
    ]);

    // A new push: the ETag no longer matches, the new diff is served.
    fake.setPullRequestDiff('acme', 'app', pr.number, 'diff --git a/b b/b\n');
    expect((await diffOf(chatId)).body.toString()).toBe('diff --git a/b b/b\n');
    // The replaced body stays only for readers still streaming it.
    const bodies = await h.redis.keys(`${h.r.prefix}:diff:*:body:*`);
    const ttls = (await Promise.all(bodies.map((k) => h.redis.ttl(k)))).sort((a, b) => a - b);
    expect(ttls).toHaveLength(2);
    expect(ttls[0]).toBeLessThanOrEqual(120);
    expect(ttls[1]).toBeGreaterThan(3600);
  });

  it("compares a branch without PR with the repository's default branch", async () => {
    fake.setBranchDiff('acme', 'app', 'agent/no-pr', 'diff --git a/new b/new\n+hello\n');
    const chatId = await chat('agent/no-pr');
    const res = await diffOf(chatId);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('diff --git a/new b/new\n+hello\n');
    expect(fakeCalls('/compare/').map((c) => c.path)).toContain('/api/v3/repos/acme/app/compare/main...agent/no-pr');
    // The SDK hands over the streaming response.
    const viaSdk = await h.client(ada.api_key).diff(chatId);
    expect(viaSdk.headers.get('content-type')).toBe('text/x-diff; charset=utf-8');
    expect(await viaSdk.text()).toBe('diff --git a/new b/new\n+hello\n');
  });

  it('answers 413 for a 5 MiB diff, and keeps none of it', async () => {
    const pr = fake.createPullRequest({ owner: 'acme', repo: 'app', head: 'feat/huge' });
    fake.setPullRequestDiff('acme', 'app', pr.number, Buffer.alloc(5 * 1024 * 1024, 'x'));
    const chatId = await chat('feat/huge', pr.htmlUrl);
    const res = await diffOf(chatId);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body.toString())).toEqual({
      message: 'diff too large',
      detail: 'the diff is larger than 4 MiB, the most served; read it on the provider instead',
    });
    const kept = await h.redis.keys(`${h.r.prefix}:diff:*`);
    const sizes = await Promise.all(
      kept.map((k) => h.redis.type(k).then((t) => (t === 'string' ? h.redis.strlen(k) : 0))),
    );
    expect(Math.max(0, ...sizes)).toBeLessThan(1024 * 1024);
  });

  it("answers 404 for another user's chat, and 409 when the owner linked no token", async () => {
    const pr = fake.createPullRequest({ owner: 'acme', repo: 'app', head: 'feat/private' });
    const chatId = await chat('feat/private', pr.htmlUrl);
    expect((await diffOf(chatId, bob.api_key)).status).toBe(404);
    expect((await diffOf(chatId, ADMIN_KEY)).status).toBe(200);

    const bobs = await h.call('POST', '/api/v1/chats', { key: bob.api_key, body: { title: 'b' } });
    const report = { branch: 'feat/private', remote_origin: `${fake.url}/acme/app.git`, pull_request_url: pr.htmlUrl };
    await h.call('POST', `/api/v1/chats/${bobs.body.id}/git`, { key: bob.api_key, body: report });
    const noToken = await diffOf(bobs.body.id, bob.api_key);
    expect(noToken.status).toBe(409);
    expect(JSON.parse(noToken.body.toString()).message).toBe('no token linked');
  });
});
