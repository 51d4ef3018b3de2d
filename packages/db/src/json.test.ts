import { chatSchema, diffStatusSchema } from '@gitsync/contracts';
import { toChatJson, toDiffStatusJson } from './json.js';
import type { Chat, ChatDiffStatus } from './schema.js';

const chat: Chat = {
  id: '0b6f3f4e-8a47-4c57-9a53-1f0b1a3c0a11',
  ownerId: '7d1b2b64-0d8c-4a0b-9f0e-2c3a4b5c6d7e',
  title: 't',
  status: 'waiting',
  archived: false,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-02T00:00:00Z'),
};

const bare: ChatDiffStatus = {
  chatId: chat.id,
  url: null,
  pullRequestState: null,
  pullRequestTitle: '',
  pullRequestDraft: false,
  changesRequested: false,
  additions: 0,
  deletions: 0,
  changedFiles: 0,
  authorLogin: null,
  authorAvatarUrl: null,
  baseBranch: null,
  headBranch: null,
  headSha: 'abc',
  prNumber: null,
  commits: null,
  approved: null,
  reviewerCount: null,
  mergeable: null,
  mergeableState: null,
  requestedReviewerCount: null,
  labels: null,
  checksState: null,
  checksPassed: null,
  checksFailed: null,
  checksPending: null,
  checkRunsEtag: null,
  statusesEtag: null,
  checkRunsTally: null,
  statusesTally: null,
  gitBranch: 'b',
  gitRemoteOrigin: 'o',
  repoKey: null,
  reportedHeadSha: null,
  refreshedAt: null,
  staleAt: new Date('2026-01-03T00:00:00Z'),
  markedStaleAt: null,
  prChangedAt: null,
  refreshIntervalClass: 'reported',
  refreshIntervalMs: null,
  leasedUntil: null,
  generation: 0,
  pullEtag: '"e"',
  reviewsEtag: null,
  lastOutcome: null,
  lastError: 'x',
  failedAttempts: 0,
  createdAt: new Date(),
  updatedAt: new Date(),
};

describe('toDiffStatusJson', () => {
  it('has exactly the Go field names, omits nulls and keeps internals out', () => {
    const json = toDiffStatusJson(bare);
    expect(Object.keys(json).sort()).toEqual(
      [
        'additions',
        'changed_files',
        'changes_requested',
        'chat_id',
        'deletions',
        'pull_request_draft',
        'pull_request_title',
        'stale_at',
      ].sort(),
    );
    expect(diffStatusSchema.strict().parse(json)).toEqual(json);
  });

  it('includes every optional field once set', () => {
    const full = toDiffStatusJson({
      ...bare,
      url: 'https://github.com/o/r/pull/1',
      pullRequestState: 'merged',
      authorLogin: 'a',
      authorAvatarUrl: 'https://x/a.png',
      baseBranch: 'main',
      headBranch: 'b',
      prNumber: 1,
      commits: 2,
      approved: false,
      reviewerCount: 0,
      mergeable: false,
      mergeableState: 'dirty',
      requestedReviewerCount: 1,
      labels: ['bug'],
      checksState: 'pending',
      checksPassed: 1,
      checksFailed: 0,
      checksPending: 2,
      refreshedAt: new Date(),
      lastOutcome: 'rate_limited',
    });
    expect(Object.keys(full)).toHaveLength(Object.keys(diffStatusSchema.shape).length);
    expect(full.approved).toBe(false);
    expect(full).toMatchObject({
      mergeable: false,
      mergeable_state: 'dirty',
      labels: ['bug'],
      checks_state: 'pending',
    });
  });

  it('says until when a rate-limited row waits, while it waits (issue 15)', () => {
    const limited = { ...bare, lastOutcome: 'rate_limited' as const };
    expect(toDiffStatusJson(limited).rate_limited_until).toBe(bare.staleAt.toISOString());
    // Claimed again: its refresh is under way, stale_at is only the lease's end.
    expect(toDiffStatusJson({ ...limited, leasedUntil: new Date() })).not.toHaveProperty('rate_limited_until');
    expect(toDiffStatusJson({ ...bare, lastOutcome: 'refreshed' })).not.toHaveProperty('rate_limited_until');
  });
});

describe('toChatJson', () => {
  it('embeds diff_status only when there is one', () => {
    expect(toChatJson(chat, null)).not.toHaveProperty('diff_status');
    expect(chatSchema.strict().parse(toChatJson(chat, bare)).diff_status?.chat_id).toBe(chat.id);
  });
});
