import { createChat, listChats, upsertExternalAuthLink, type Database, type TokenCipher } from '@gitsync/db';
import type { FakeGitLab } from '@gitsync/gitlab-fake';
import { DEMO_MEMBER_KEY } from './demo.js';

export const DEMO_GITLAB_PROVIDER_ID = 'gitlab';
const DEMO_GITLAB_TOKEN = 'demo-gitlab-token';
const USERNAME = 'demo';

interface GitLabDemoChat {
  title: string;
  status: 'waiting' | 'completed';
  /** Where the merge request lives (nested groups welcome). */
  project: string;
  branch: string;
  /** The agent works in this fork of `project`: its origin, and the merge request's source. */
  fork?: string;
  mr: { title: string; additions: number; deletions: number; merged?: boolean };
}

// Found by branch like the GitHub ones: a nested group, a fork's merge request upstream, a merged one.
const chats: GitLabDemoChat[] = [
  {
    title: 'Payments: retry failed charges',
    status: 'waiting',
    project: 'demo/platform/payments',
    branch: 'feat/retries',
    mr: { title: 'Retry failed charges with backoff', additions: 180, deletions: 22 },
  },
  {
    title: 'Mobile: release notes',
    status: 'waiting',
    project: 'demo/mobile',
    branch: 'docs/release-notes',
    fork: 'demo-contributor/mobile',
    mr: { title: 'Release notes for 3.2', additions: 64, deletions: 5 },
  },
  {
    title: 'Billing: CSV export',
    status: 'completed',
    project: 'demo/platform/billing',
    branch: 'feat/csv-export',
    mr: { title: 'Export invoices as CSV', additions: 97, deletions: 12, merged: true },
  },
];

export interface GitLabDemo {
  chatIds: string[];
  iids: number[];
}

/** Seeds the fake GitLab and the demo user's GitLab token and chats. */
export async function seedGitLabDemo(
  db: Database,
  fake: FakeGitLab,
  userId: string,
  cipher: TokenCipher | null,
): Promise<GitLabDemo> {
  fake.addToken(DEMO_GITLAB_TOKEN, { username: USERNAME });
  const iids = chats.map((chat) => {
    const mr = fake.createMergeRequest({
      project: chat.project,
      sourceProject: chat.fork ?? chat.project,
      sourceBranch: chat.branch,
      author: chat.fork ? 'demo-contributor' : USERNAME,
      pipeline: chat.mr.merged ? 'success' : 'running',
      ...chat.mr,
    });
    if (chat.mr.merged) fake.updateMergeRequest(chat.project, mr.iid, { state: 'merged' });
    return mr.iid;
  });
  fake.approve(chats[0]!.project, iids[0]!, 'reviewer');
  fake.setReviewer(chats[1]!.project, iids[1]!, 'reviewer', 'REQUESTED_CHANGES');
  await upsertExternalAuthLink(
    db,
    { providerId: DEMO_GITLAB_PROVIDER_ID, userId, accessToken: DEMO_GITLAB_TOKEN },
    cipher,
  );
  const existing = await listChats(db, { viewer: { id: userId, role: 'member' }, limit: 100 });
  const chatIds: string[] = [];
  for (const chat of chats) {
    const found = existing.find((row) => row.chat.title === chat.title);
    chatIds.push(
      found ? found.chat.id : (await createChat(db, { ownerId: userId, title: chat.title, status: chat.status })).id,
    );
  }
  return { chatIds, iids };
}

/** The agent's report of a GitLab chat: branch and origin only (an SSH-less https origin of the fake). */
async function report(apiUrl: string, fake: FakeGitLab, demo: GitLabDemo, index: number): Promise<void> {
  const chat = chats[index]!;
  const res = await fetch(`${apiUrl}/api/v1/chats/${demo.chatIds[index]}/git`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO_MEMBER_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ branch: chat.branch, remote_origin: `${fake.url}/${chat.fork ?? chat.project}.git` }),
  });
  if (res.status !== 202) throw new Error(`demo report for "${chat.title}" answered ${res.status}`);
}

export async function reportAllGitLab(apiUrl: string, fake: FakeGitLab, demo: GitLabDemo): Promise<void> {
  await Promise.all(chats.map((_, i) => report(apiUrl, fake, demo, i)));
}

/** Keeps the GitLab side moving: the fork's merge request is reworked, approved, merged, reopened. */
export function startGitLabDemoChanges(
  apiUrl: string,
  fake: FakeGitLab,
  demo: GitLabDemo,
  everyMs: number,
): () => void {
  const index = 1;
  const { project } = chats[index]!;
  const iid = demo.iids[index]!;
  const steps: Array<() => void> = [
    () => fake.updateMergeRequest(project, iid, { pipeline: 'success', commits: 2, additions: 71 }),
    () => fake.approve(project, iid, 'reviewer'),
    () => fake.updateMergeRequest(project, iid, { state: 'merged' }),
    () => {
      fake.updateMergeRequest(project, iid, { state: 'opened', pipeline: 'running', commits: 3 });
      fake.setReviewer(project, iid, 'reviewer', 'REQUESTED_CHANGES');
    },
  ];
  let step = 0;
  const timer = setInterval(() => {
    steps[step++ % steps.length]!();
    report(apiUrl, fake, demo, index).catch((err: Error) => console.error(`demo: ${err.message}`));
  }, everyMs);
  return () => clearInterval(timer);
}
