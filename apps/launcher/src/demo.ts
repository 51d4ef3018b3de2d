import {
  addApiKey,
  createChat,
  createUser,
  getUserByUsername,
  listChats,
  upsertExternalAuthLink,
  type Database,
  type TokenCipher,
} from '@gitsync/db';
import type { AddCheckRunInput, FakeGitHub, PullRequestPatch, ReviewState } from '@gitsync/github-fake';

export const DEMO_PROVIDER_ID = 'github';
/** Local-only demo credentials: printed at start, meaningful only against the built-in fake. */
export const DEMO_ADMIN_KEY = 'gitsync-local-admin-key';
export const DEMO_MEMBER_KEY = 'gsk_demo_member_local_only';
/** Seals the demo's tokens at rest unless GITSYNC_TOKEN_ENCRYPTION_KEYS is set: printed, so local only. */
export const DEMO_TOKEN_KEY = 'RtYak8Xo613YrZqhZsUGZD/dgL31j46/QIg09wYtC0Q=';
const DEMO_TOKEN = 'demo-github-token';

const OWNER = 'demo';

interface DemoChat {
  title: string;
  status: 'waiting' | 'completed' | 'running' | 'paused';
  /** The pull request lives in demo/<repo>. */
  repo: string;
  branch: string;
  /**
   * The agent works in this user's fork of demo/<repo>: that is its origin,
   * and the PR comes from `<fork>:<branch>`.
   */
  fork?: string;
  /** A PR on the same branch closed without merging before `pr` was opened: the newer one is the chat's. */
  closedBefore?: string;
  pr?: { title: string; draft?: boolean; state?: 'closed'; merged?: boolean; additions: number; deletions: number };
}

// Every PR here exists before the agent's first report and no report names it: the refresh finds
// each by its branch (closed and merged ones too) and, for the fork, in the fork's parent.
const chats: DemoChat[] = [
  {
    title: 'Add dark mode',
    status: 'waiting',
    repo: 'webapp',
    branch: 'feat/dark-mode',
    pr: { title: 'Add dark mode toggle', additions: 214, deletions: 31 },
  },
  {
    title: 'Fix login redirect',
    status: 'completed',
    repo: 'webapp',
    branch: 'fix/login-redirect',
    pr: { title: 'Fix redirect loop after login', merged: true, additions: 12, deletions: 4 },
  },
  {
    title: 'New onboarding flow',
    status: 'waiting',
    repo: 'webapp',
    branch: 'feat/onboarding',
    pr: { title: 'Onboarding v2', draft: true, additions: 530, deletions: 120 },
  },
  {
    title: 'Cache experiment',
    status: 'completed',
    repo: 'api',
    branch: 'exp/cache',
    pr: { title: 'Try an LRU in front of the DB', state: 'closed', additions: 88, deletions: 2 },
  },
  {
    title: 'Refactor API client',
    status: 'running',
    repo: 'api',
    branch: 'refactor/client',
    pr: { title: 'Split the API client', additions: 340, deletions: 290 },
  },
  { title: 'Write the README', status: 'waiting', repo: 'api', branch: 'docs/readme' },
  {
    title: 'Upgrade to Node 22',
    status: 'completed',
    repo: 'api',
    branch: 'chore/node-22',
    closedBefore: 'Node 22 (first try)',
    pr: { title: 'Upgrade to Node 22', merged: true, additions: 41, deletions: 37 },
  },
  {
    title: 'Fix typos in the docs',
    status: 'waiting',
    repo: 'webapp',
    branch: 'fix/typos',
    fork: 'demo-contributor',
    pr: { title: 'Fix typos in the docs', additions: 9, deletions: 9 },
  },
];

export interface Demo {
  /** The demo user, who owns every demo chat. */
  userId: string;
  /** Ids of the demo chats, in the order of `chats` above. */
  chatIds: string[];
  /** Chat index → number of its pull request in demo/<repo>, once it has one. */
  prs: Map<number, number>;
}

/**
 * A mix of CI states across the demo PRs (passed, failed, running) and one PR with conflicts, so
 * that the sidebar shows its check marks, crosses, dots and badge.
 */
function addDemoChecks(fake: FakeGitHub, repo: string, number: number, sha: string, i: number): void {
  fake.addCheckRun(OWNER, repo, sha, { name: 'lint', conclusion: 'success' });
  const runs: Array<Omit<AddCheckRunInput, 'name'>> = [
    { conclusion: 'success' },
    { conclusion: 'failure' },
    { status: 'in_progress' },
  ];
  fake.addCheckRun(OWNER, repo, sha, { name: 'test', ...runs[i % runs.length] });
  if (i % 4 === 1) fake.updatePullRequest(OWNER, repo, number, { mergeable: false, mergeableState: 'dirty' });
}

/** Seeds the fake with repos and PRs, and the database with a demo user, token and chats. */
export async function seedDemo(db: Database, fake: FakeGitHub, cipher: TokenCipher | null): Promise<Demo> {
  fake.addToken(DEMO_TOKEN, { login: OWNER });
  const prs = new Map<number, number>();
  chats.forEach((chat, i) => {
    fake.addRepo(OWNER, chat.repo);
    if (chat.fork) fake.addRepo(chat.fork, chat.repo, { forkOf: { owner: OWNER, repo: chat.repo } });
    const from = { owner: OWNER, repo: chat.repo, head: chat.branch, headOwner: chat.fork ?? OWNER };
    if (chat.closedBefore) {
      const first = fake.createPullRequest({ ...from, title: chat.closedBefore });
      fake.updatePullRequest(OWNER, chat.repo, first.number, { state: 'closed' });
    }
    if (!chat.pr) return;
    const pr = fake.createPullRequest({ ...from, ...chat.pr });
    prs.set(i, pr.number);
    addDemoChecks(fake, chat.repo, pr.number, pr.headSha, i);
    if (chat.pr.merged || chat.pr.state) {
      fake.updatePullRequest(OWNER, chat.repo, pr.number, { state: 'closed', merged: chat.pr.merged ?? false });
    }
  });
  const user = (await getUserByUsername(db, 'demo')) ?? (await createUser(db, { username: 'demo', role: 'member' }));
  await addApiKey(db, user.id, DEMO_MEMBER_KEY);
  await upsertExternalAuthLink(db, { providerId: DEMO_PROVIDER_ID, userId: user.id, accessToken: DEMO_TOKEN }, cipher);
  const existing = await listChats(db, { viewer: { id: user.id, role: 'member' }, limit: 100 });
  const chatIds: string[] = [];
  for (const chat of chats) {
    const found = existing.find((row) => row.chat.title === chat.title);
    chatIds.push(
      found ? found.chat.id : (await createChat(db, { ownerId: user.id, title: chat.title, status: chat.status })).id,
    );
  }
  return { userId: user.id, chatIds, prs };
}

/** What the agent does: report each chat's branch through the API (marks it stale, publishes). */
export async function reportAll(apiUrl: string, fake: FakeGitHub, demo: Demo): Promise<void> {
  await Promise.all(chats.map((_, i) => report(apiUrl, fake, demo, i)));
}

/** Branch and origin only, as an agent knows them after a push; finding the PR is gitsync's job. */
async function report(apiUrl: string, fake: FakeGitHub, demo: Demo, index: number): Promise<void> {
  const chat = chats[index]!;
  const res = await fetch(`${apiUrl}/api/v1/chats/${demo.chatIds[index]}/git`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO_MEMBER_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ branch: chat.branch, remote_origin: `${fake.url}/${chat.fork ?? OWNER}/${chat.repo}.git` }),
  });
  if (res.status !== 202) throw new Error(`demo report for "${chat.title}" answered ${res.status}`);
}

/**
 * Keeps the demo alive: every `everyMs` one PR moves on (reviewed, ready, merged, opened…) and
 * the agent reports again, so a newcomer watches icons change.
 */
export function startDemoChanges(apiUrl: string, fake: FakeGitHub, demo: Demo, everyMs: number): () => void {
  const review = (title: string, state: ReviewState) => () => {
    const { index, repo, number } = demoPr(demo, title);
    fake.addReview(OWNER, repo, number, { user: 'reviewer', state });
    return index;
  };
  const update = (title: string, patch: PullRequestPatch) => () => {
    const { index, repo, number } = demoPr(demo, title);
    fake.updatePullRequest(OWNER, repo, number, patch);
    return index;
  };
  const steps: Array<() => number> = [
    review('Add dark mode', 'CHANGES_REQUESTED'),
    update('New onboarding flow', { draft: false, additions: 560 }),
    () => {
      const index = chatIndex('Write the README');
      const readme = demo.prs.get(index);
      if (readme === undefined) {
        demo.prs.set(
          index,
          fake.createPullRequest({
            owner: OWNER,
            repo: 'api',
            head: 'docs/readme',
            title: 'Write the README',
            additions: 95,
            deletions: 3,
          }).number,
        );
      } else {
        fake.updatePullRequest(OWNER, 'api', readme, { draft: !fake.getPullRequest(OWNER, 'api', readme)?.draft });
      }
      return index;
    },
    review('Add dark mode', 'APPROVED'),
    update('Add dark mode', { merged: true }),
    update('Add dark mode', { state: 'open', merged: false }),
  ];
  let step = 0;
  const timer = setInterval(() => {
    const index = steps[step % steps.length]!();
    step++;
    report(apiUrl, fake, demo, index).catch((err: Error) => console.error(`demo: ${err.message}`));
  }, everyMs);
  return () => clearInterval(timer);
}

function chatIndex(title: string): number {
  const index = chats.findIndex((chat) => chat.title === title);
  if (index < 0) throw new Error(`demo: no chat titled "${title}"`);
  return index;
}

/** Where a demo chat's pull request lives; a chat whose PR is not opened yet is a mistake in the steps. */
function demoPr(demo: Demo, title: string): { index: number; repo: string; number: number } {
  const index = chatIndex(title);
  const number = demo.prs.get(index);
  if (number === undefined) throw new Error(`demo: "${title}" has no pull request yet`);
  return { index, repo: chats[index]!.repo, number };
}
