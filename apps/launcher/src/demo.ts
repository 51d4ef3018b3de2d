import { addApiKey, createChat, createUser, getUserByUsername, listChats, upsertExternalAuthLink, type Database, type TokenCipher } from '@gitsync/db';
import type { FakeGitHub } from '@gitsync/github-fake';

export const DEMO_PROVIDER_ID = 'github';
/** Local-only demo credentials: printed at start, meaningful only against the built-in fake. */
export const DEMO_ADMIN_KEY = 'gitsync-local-admin-key';
export const DEMO_MEMBER_KEY = 'gsk_demo_member_local_only';
/** Seals the demo's tokens at rest unless GITSYNC_TOKEN_ENCRYPTION_KEYS is set: printed, so local only. */
export const DEMO_TOKEN_KEY = 'RtYak8Xo613YrZqhZsUGZD/dgL31j46/QIg09wYtC0Q=';
const DEMO_TOKEN = 'demo-github-token';

interface DemoChat {
  title: string;
  status: 'waiting' | 'completed' | 'running' | 'paused';
  repo: string;
  branch: string;
  pr?: { title: string; draft?: boolean; state?: 'closed'; merged?: boolean; additions: number; deletions: number };
}

const chats: DemoChat[] = [
  { title: 'Add dark mode', status: 'waiting', repo: 'webapp', branch: 'feat/dark-mode', pr: { title: 'Add dark mode toggle', additions: 214, deletions: 31 } },
  { title: 'Fix login redirect', status: 'completed', repo: 'webapp', branch: 'fix/login-redirect', pr: { title: 'Fix redirect loop after login', merged: true, additions: 12, deletions: 4 } },
  { title: 'New onboarding flow', status: 'waiting', repo: 'webapp', branch: 'feat/onboarding', pr: { title: 'Onboarding v2', draft: true, additions: 530, deletions: 120 } },
  { title: 'Cache experiment', status: 'completed', repo: 'api', branch: 'exp/cache', pr: { title: 'Try an LRU in front of the DB', state: 'closed', additions: 88, deletions: 2 } },
  { title: 'Refactor API client', status: 'running', repo: 'api', branch: 'refactor/client', pr: { title: 'Split the API client', additions: 340, deletions: 290 } },
  { title: 'Write the README', status: 'waiting', repo: 'api', branch: 'docs/readme' },
];

export interface Demo {
  /** Ids of the demo chats, in the order of `chats` above. */
  chatIds: string[];
  /** PR urls the agent knows; only open PRs can be found by branch. */
  urls: Map<number, string>;
}

/** Seeds the fake with repos and PRs, and the database with a demo user, token and chats. */
export async function seedDemo(db: Database, fake: FakeGitHub, cipher: TokenCipher | null): Promise<Demo> {
  fake.addToken(DEMO_TOKEN, { login: 'demo' });
  const urls = new Map<number, string>();
  chats.forEach((chat, i) => {
    fake.addRepo('demo', chat.repo);
    if (!chat.pr) return;
    const pr = fake.createPullRequest({ owner: 'demo', repo: chat.repo, head: chat.branch, author: 'demo', ...chat.pr });
    if (chat.pr.merged || chat.pr.state) {
      fake.updatePullRequest('demo', chat.repo, pr.number, { state: 'closed', merged: chat.pr.merged ?? false });
      urls.set(i, pr.htmlUrl);
    }
  });
  const user = (await getUserByUsername(db, 'demo')) ?? (await createUser(db, { username: 'demo', role: 'member' }));
  await addApiKey(db, user.id, DEMO_MEMBER_KEY);
  await upsertExternalAuthLink(db, { providerId: DEMO_PROVIDER_ID, userId: user.id, accessToken: DEMO_TOKEN }, cipher);
  const existing = await listChats(db, { viewer: { id: user.id, role: 'member' }, limit: 100 });
  const chatIds: string[] = [];
  for (const chat of chats) {
    const found = existing.find((row) => row.chat.title === chat.title);
    chatIds.push(found ? found.chat.id : (await createChat(db, { ownerId: user.id, title: chat.title, status: chat.status })).id);
  }
  return { chatIds, urls };
}

/** What the agent does: report each chat's branch through the API (marks it stale, publishes). */
export async function reportAll(apiUrl: string, fake: FakeGitHub, demo: Demo): Promise<void> {
  await Promise.all(chats.map((_, i) => report(apiUrl, fake, demo, i)));
}

async function report(apiUrl: string, fake: FakeGitHub, demo: Demo, index: number): Promise<void> {
  const chat = chats[index]!;
  const res = await fetch(`${apiUrl}/api/v1/chats/${demo.chatIds[index]}/git`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO_MEMBER_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      branch: chat.branch,
      remote_origin: `${fake.url}/demo/${chat.repo}.git`,
      pull_request_url: demo.urls.get(index) ?? null,
    }),
  });
  if (res.status !== 202) throw new Error(`demo report for "${chat.title}" answered ${res.status}`);
}

/**
 * Keeps the demo alive: every `everyMs` one PR moves on (reviewed, ready, merged, opened…) and
 * the agent reports again, so a newcomer watches icons change.
 */
export function startDemoChanges(apiUrl: string, fake: FakeGitHub, demo: Demo, everyMs: number): () => void {
  const steps: Array<() => number> = [
    () => (fake.addReview('demo', 'webapp', 1, { user: 'reviewer', state: 'CHANGES_REQUESTED' }), 0),
    () => (fake.updatePullRequest('demo', 'webapp', 3, { draft: false, additions: 560 }), 2),
    () => {
      const readme = fake.getPullRequest('demo', 'api', 3);
      if (readme) fake.updatePullRequest('demo', 'api', 3, { draft: !readme.draft });
      else fake.createPullRequest({ owner: 'demo', repo: 'api', head: 'docs/readme', title: 'Write the README', additions: 95, deletions: 3, author: 'demo' });
      return 5;
    },
    () => (fake.addReview('demo', 'webapp', 1, { user: 'reviewer', state: 'APPROVED' }), 0),
    () => (fake.updatePullRequest('demo', 'webapp', 1, { merged: true }), 0),
    () => (fake.updatePullRequest('demo', 'webapp', 1, { state: 'open', merged: false }), 0),
  ];
  let step = 0;
  const timer = setInterval(() => {
    const index = steps[step % steps.length]!();
    step++;
    report(apiUrl, fake, demo, index).catch((err: Error) => console.error(`demo: ${err.message}`));
  }, everyMs);
  return () => clearInterval(timer);
}
