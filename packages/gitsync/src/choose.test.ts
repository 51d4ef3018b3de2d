import type { PullRequestSummary } from '@gitsync/gitprovider';
import { choosePullRequest } from './choose.js';

const pr = (
  number: number,
  state: PullRequestSummary['state'],
  updated: number,
  headSha = 'a',
): PullRequestSummary => ({
  webBaseUrl: 'https://github.com',
  owner: 'o',
  repo: 'r',
  number,
  url: `https://github.com/o/r/pull/${number}`,
  state,
  headSha,
  updatedAt: new Date(updated),
});

describe('choosePullRequest', () => {
  it('an open PR wins over more recently updated closed and merged ones', () => {
    expect(choosePullRequest([pr(3, 'merged', 300), pr(2, 'open', 100), pr(1, 'closed', 200)], null)?.number).toBe(2);
  });

  it('otherwise the most recently updated closed or merged PR', () => {
    expect(choosePullRequest([pr(1, 'closed', 100), pr(2, 'merged', 200)], null)?.number).toBe(2);
    expect(choosePullRequest([], null)).toBeNull();
  });

  it('with a reported head commit, a closed or merged PR of another commit is not the branch’s', () => {
    expect(choosePullRequest([pr(1, 'merged', 200, 'old')], 'new')).toBeNull();
    expect(choosePullRequest([pr(1, 'merged', 200, 'old'), pr(2, 'closed', 100, 'new')], 'new')?.number).toBe(2);
    // An open PR's head may lag the agent's push: it still wins.
    expect(choosePullRequest([pr(3, 'open', 100, 'older')], 'new')?.number).toBe(3);
  });
});
