import { createHash } from 'node:crypto';
import type { Entity } from './answer.js';
import { entity } from './answer.js';
import type {
  AddCheckRunInput,
  AddRepoOptions,
  AddReviewInput,
  CheckRunConclusion,
  CheckRunStatus,
  CommitStatusState,
  CreatePullRequestInput,
  FakeCheckRun,
  FakePullRequest,
  PullRequestPatch,
  ReviewState,
  SetCommitStatusInput,
} from './types.js';

export interface RepoRecord {
  id: number;
  /** Spelling of the first addRepo/createPullRequest; lookups are case-insensitive like GitHub's. */
  owner: string;
  name: string;
  /** The repository this one was forked from; null when it is not a fork. Never changes. */
  parent: RepoRecord | null;
  pulls: Map<number, PullRecord>;
  /**
   * Head branch → lower-cased head repository owner → the pull requests into this repository from there,
   * so finding by `head=owner:branch` never scans the repo, and a fork's branch never hides the base's.
   */
  byHead: Map<string, Map<string, Set<PullRecord>>>;
  nextNumber: number;
  /** Check runs and statuses by commit SHA. */
  commits: Map<string, CommitRecord>;
  /** Diffs of `compare/{base}...{branch}`, by `${base}...${branch}`. */
  branchDiffs: Map<string, Entity>;
  /** The `GET /repos/{o}/{r}` answer, serialised once: nothing in it changes after the repo is added. */
  full?: Entity;
}

export interface ReviewRecord {
  id: number;
  user: string;
  state: ReviewState;
  submittedAt: Date | null;
  commitId: string;
  /** Serialised once: a review never changes after it is added. */
  json?: string;
}

export interface CheckRunRecord {
  id: number;
  name: string;
  headSha: string;
  status: CheckRunStatus;
  conclusion: CheckRunConclusion | null;
  startedAt: Date;
  completedAt: Date | null;
}

export interface StatusRecord {
  id: number;
  context: string;
  state: CommitStatusState;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What is known of one commit: its check runs (in creation order) and its latest status per context. */
export interface CommitRecord {
  sha: string;
  runs: CheckRunRecord[];
  statuses: Map<string, StatusRecord>;
  /** Serialised pages by `${filter}:${perPage}:${page}` and `${perPage}:${page}`, dropped on every change. */
  rendered: { runPages?: Map<string, Entity>; statusPages?: Map<string, Entity> };
}

/**
 * What the public FakePullRequest shows, plus what only the answers need; owner, repo and url come from
 * `repo`, headOwner and headRepo from `headRepo`.
 */
export interface PullRecord extends Omit<
  FakePullRequest,
  'owner' | 'repo' | 'htmlUrl' | 'headOwner' | 'headRepo' | 'mergeable' | 'mergeableState'
> {
  id: number;
  repo: RepoRecord;
  /** Where the head branch lives: `repo` itself, or a fork in its network. */
  headRepo: RepoRecord;
  body: string | null;
  createdAt: Date;
  closedAt: Date | null;
  mergedAt: Date | null;
  mergeCommitSha: string | null;
  reviews: ReviewRecord[];
  /** Set by a patch; otherwise derived from state and draft ({@link mergeability}). */
  mergeable?: boolean | null;
  mergeableState?: string;
  /** `Accept: application/vnd.github.diff`; by default made from the branch and title. */
  diff?: Buffer;
  /** Serialised answers, dropped on every change, so hot GETs skip JSON.stringify and hashing. */
  rendered: Rendered;
}

export interface Rendered {
  detail?: Entity;
  /** This PR as a pull-request-simple, and as the one-element list a find-by-branch answers. */
  simple?: string;
  alone?: Entity;
  /** Review list pages by `${perPage}:${page}`. */
  reviewPages?: Map<string, Entity>;
  diff?: Entity;
}

/** A pull request's `mergeable` and `mergeable_state`: set ones, else open → mergeable (`clean`, or `draft`). */
export function mergeability(pr: PullRecord): { mergeable: boolean | null; mergeableState: string } {
  const open = pr.state === 'open';
  return {
    mergeable: pr.mergeable !== undefined ? pr.mergeable : open ? true : null,
    mergeableState: pr.mergeableState ?? (open ? (pr.draft ? 'draft' : 'clean') : 'unknown'),
  };
}

/** The diff a pull request answers when none was set: one new file named for its branch, holding its title. */
export function defaultDiff(pr: PullRecord): Buffer {
  const file = `${pr.head.replace(/[^\w.-]+/g, '-')}.md`;
  return Buffer.from(
    `diff --git a/${file} b/${file}\nnew file mode 100644\nindex 0000000..${pr.headSha.slice(0, 7)}\n` +
      `--- /dev/null\n+++ b/${file}\n@@ -0,0 +1 @@\n+${pr.title}\n`,
  );
}

export type SortKey = 'created' | 'updated';

export interface PullQuery {
  /** Branch name from `head=owner:branch`; undefined = no head filter. */
  head?: string;
  headOwner?: string;
  state: 'open' | 'closed' | 'all';
  sort: SortKey;
  direction: 'asc' | 'desc';
}

/** A repository's key: GitHub's lookups of owner/repo are case-insensitive. */
export const repoKey = (owner: string, repo: string): string => `${owner.toLowerCase()}/${repo.toLowerCase()}`;

const fullName = (repo: RepoRecord): string => `${repo.owner}/${repo.name}`;

/** The root of a repository's fork network (GitHub's `source`); the repository itself when it is not a fork. */
export function networkRoot(repo: RepoRecord): RepoRecord {
  let root = repo;
  while (root.parent) root = root.parent;
  return root;
}

export function sha(...parts: Array<string | number>): string {
  return createHash('sha1').update(parts.join('\0')).digest('hex');
}

/** In-memory GitHub: repositories, pull requests and reviews with the indexes the routes need. */
export class Store {
  private readonly repos = new Map<string, RepoRecord>();
  private readonly userIds = new Map<string, number>();
  private nextRepoId = 1;
  private nextPullId = 1;
  private nextReviewId = 1;
  private nextCheckRunId = 1;
  private nextStatusId = 1;
  private readonly checkRuns = new Map<string, { run: CheckRunRecord; commit: CommitRecord }>();
  private nextUserId = 1;
  private lastTick = 0;

  /** Strictly increasing, so "most recently updated" is never a tie even within one millisecond. */
  private tick(): Date {
    this.lastTick = Math.max(Date.now(), this.lastTick + 1);
    return new Date(this.lastTick);
  }

  userId(login: string): number {
    const k = login.toLowerCase();
    let id = this.userIds.get(k);
    if (id === undefined) {
      id = this.nextUserId++;
      this.userIds.set(k, id);
    }
    return id;
  }

  addRepo(owner: string, name: string, options: AddRepoOptions = {}): RepoRecord {
    const k = repoKey(owner, name);
    const forkOf = options.forkOf;
    if (forkOf && repoKey(forkOf.owner, forkOf.repo) === k)
      throw new Error(`fake GitHub: ${owner}/${name} cannot be a fork of itself`);
    // The parent first, so a fork's parent always exists and a network can never loop.
    const parent = forkOf ? this.addRepo(forkOf.owner, forkOf.repo) : null;
    const existing = this.repos.get(k);
    if (existing) {
      if (parent && existing.parent !== parent) {
        const was = existing.parent ? `a fork of ${fullName(existing.parent)}` : 'not a fork';
        throw new Error(
          `fake GitHub: ${fullName(existing)} was added as ${was}; it cannot become a fork of ${fullName(parent)}`,
        );
      }
      return existing;
    }
    const repo: RepoRecord = {
      id: this.nextRepoId++,
      owner,
      name,
      parent,
      pulls: new Map(),
      byHead: new Map(),
      nextNumber: 1,
      commits: new Map(),
      branchDiffs: new Map(),
    };
    this.repos.set(k, repo);
    this.userId(owner);
    return repo;
  }

  repo(owner: string, name: string): RepoRecord | undefined {
    return this.repos.get(repoKey(owner, name));
  }

  pull(owner: string, name: string, number: number): PullRecord | undefined {
    return this.repo(owner, name)?.pulls.get(number);
  }

  private mustPull(owner: string, name: string, number: number): PullRecord {
    const pr = this.pull(owner, name, number);
    if (!pr) throw new Error(`fake GitHub: no pull request ${owner}/${name}#${number}`);
    return pr;
  }

  createPullRequest(input: CreatePullRequestInput): PullRecord {
    const repo = this.addRepo(input.owner, input.repo);
    const headRepo = this.headRepo(repo, input.headOwner ?? input.owner, input.headRepo ?? input.repo);
    const number = repo.nextNumber++;
    const now = this.tick();
    const author = input.author ?? input.headOwner ?? input.owner;
    this.userId(author);
    const pr: PullRecord = {
      id: this.nextPullId++,
      repo,
      headRepo,
      number,
      head: input.head,
      base: input.base ?? 'main',
      headSha: sha(repo.owner, repo.name, number, input.head, now.getTime()),
      title: input.title ?? `Update ${input.head}`,
      body: input.body ?? null,
      state: 'open',
      merged: false,
      draft: input.draft ?? false,
      additions: input.additions ?? 0,
      deletions: input.deletions ?? 0,
      changedFiles: input.changedFiles ?? 0,
      commits: input.commits ?? 1,
      author,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      mergedAt: null,
      mergeCommitSha: null,
      reviews: [],
      requestedReviewers: [],
      labels: [],
      rendered: {},
    };
    repo.pulls.set(number, pr);
    this.indexHead(pr);
    return pr;
  }

  /** The base repository itself, or a fork in its network (a missing one is added as a fork of the base). */
  private headRepo(base: RepoRecord, owner: string, name: string): RepoRecord {
    if (repoKey(owner, name) === repoKey(base.owner, base.name)) return base;
    const head =
      this.repo(owner, name) ?? this.addRepo(owner, name, { forkOf: { owner: base.owner, repo: base.name } });
    if (networkRoot(head) !== networkRoot(base)) {
      throw new Error(
        `fake GitHub: a pull request into ${fullName(base)} cannot come from ${fullName(head)}, ` +
          'which is not a fork in its network',
      );
    }
    return head;
  }

  updatePullRequest(owner: string, name: string, number: number, patch: PullRequestPatch): PullRecord {
    const pr = this.mustPull(owner, name, number);
    const now = this.tick();
    if (patch.head !== undefined && patch.head !== pr.head) {
      this.unindexHead(pr);
      pr.head = patch.head;
      this.indexHead(pr);
      pr.headSha = patch.headSha ?? sha(pr.repo.owner, pr.repo.name, number, pr.head, now.getTime());
    }
    if (patch.headSha !== undefined) pr.headSha = patch.headSha;
    if (patch.title !== undefined) pr.title = patch.title;
    if (patch.base !== undefined) pr.base = patch.base;
    if (patch.draft !== undefined) pr.draft = patch.draft;
    if (patch.additions !== undefined) pr.additions = patch.additions;
    if (patch.deletions !== undefined) pr.deletions = patch.deletions;
    if (patch.changedFiles !== undefined) pr.changedFiles = patch.changedFiles;
    if (patch.commits !== undefined) pr.commits = patch.commits;
    if (patch.mergeable !== undefined) pr.mergeable = patch.mergeable;
    if (patch.mergeableState !== undefined) pr.mergeableState = patch.mergeableState;
    if (patch.requestedReviewers !== undefined) pr.requestedReviewers = [...patch.requestedReviewers];
    if (patch.labels !== undefined) pr.labels = [...patch.labels];
    if (patch.merged === true) {
      if (!pr.merged) {
        pr.merged = true;
        pr.mergedAt = now;
        pr.mergeCommitSha = sha('merge', pr.headSha, now.getTime());
      }
      this.setState(pr, 'closed', now);
    } else {
      // Reopening a merged PR is impossible on GitHub; here it simply un-merges, which tests find handy.
      if (patch.merged === false || patch.state === 'open') this.unmerge(pr);
      if (patch.state !== undefined) this.setState(pr, patch.state, now);
    }
    this.touch(pr, now);
    return pr;
  }

  addReview(owner: string, name: string, number: number, input: AddReviewInput): void {
    const pr = this.mustPull(owner, name, number);
    this.userId(input.user);
    const now = this.tick();
    pr.reviews.push({
      id: this.nextReviewId++,
      user: input.user,
      state: input.state,
      submittedAt: input.state === 'PENDING' ? null : (input.submittedAt ?? now),
      commitId: pr.headSha,
    });
    // GitHub bumps a pull request's updated_at when it gets a review.
    this.touch(pr, now);
  }

  /** The commit's record in `repo`, made when missing. */
  private commit(repo: RepoRecord, sha: string): CommitRecord {
    let record = repo.commits.get(sha);
    if (!record) repo.commits.set(sha, (record = { sha, runs: [], statuses: new Map(), rendered: {} }));
    return record;
  }

  commitChecks(owner: string, name: string, sha: string): CommitRecord | undefined {
    return this.repo(owner, name)?.commits.get(sha);
  }

  addCheckRun(owner: string, name: string, sha: string, input: AddCheckRunInput): CheckRunRecord {
    const repo = this.addRepo(owner, name);
    const commit = this.commit(repo, sha);
    const now = this.tick();
    const conclusion = input.conclusion ?? null;
    const status = input.status ?? (conclusion === null ? 'queued' : 'completed');
    const run: CheckRunRecord = {
      id: this.nextCheckRunId++,
      name: input.name,
      headSha: sha,
      status,
      conclusion: status === 'completed' ? conclusion : null,
      startedAt: now,
      completedAt: status === 'completed' ? now : null,
    };
    commit.runs.push(run);
    commit.rendered = {};
    this.checkRuns.set(repoKey(owner, name) + `#${run.id}`, { run, commit });
    return run;
  }

  updateCheckRun(
    owner: string,
    name: string,
    id: number,
    patch: Partial<Pick<CheckRunRecord, 'status' | 'conclusion'>>,
  ): CheckRunRecord {
    const found = this.checkRuns.get(repoKey(owner, name) + `#${id}`);
    if (!found) throw new Error(`fake GitHub: no check run ${id} in ${owner}/${name}`);
    const { run, commit } = found;
    if (patch.conclusion !== undefined && patch.conclusion !== null && patch.status === undefined)
      run.status = 'completed';
    if (patch.status !== undefined) run.status = patch.status;
    if (patch.conclusion !== undefined) run.conclusion = patch.conclusion;
    if (run.status !== 'completed') run.conclusion = null;
    run.completedAt = run.status === 'completed' ? this.tick() : null;
    commit.rendered = {};
    return run;
  }

  setCommitStatus(owner: string, name: string, sha: string, input: SetCommitStatusInput): void {
    const commit = this.commit(this.addRepo(owner, name), sha);
    const now = this.tick();
    const previous = commit.statuses.get(input.context);
    commit.statuses.set(input.context, {
      id: this.nextStatusId++,
      context: input.context,
      state: input.state,
      description: input.description ?? null,
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
    });
    commit.rendered = {};
  }

  setPullRequestDiff(owner: string, name: string, number: number, diff: string | Buffer): void {
    const pr = this.mustPull(owner, name, number);
    pr.diff = Buffer.from(diff);
    pr.rendered.diff = undefined;
  }

  setBranchDiff(owner: string, name: string, branch: string, diff: string | Buffer, base = 'main'): void {
    const repo = this.addRepo(owner, name);
    repo.branchDiffs.set(`${base}...${branch}`, entity(Buffer.from(diff)));
  }

  /** Pull requests of one repository matching the query, sorted; only the head index or that repo is visited. */
  listPulls(repo: RepoRecord, query: PullQuery): PullRecord[] {
    let candidates: Iterable<PullRecord>;
    if (query.head !== undefined) {
      // GitHub's `head=user:ref-name` names the owner of the head repository, not of this one.
      const byOwner = repo.byHead.get(query.head);
      if (!byOwner) candidates = [];
      else if (query.headOwner === undefined) candidates = [...byOwner.values()].flatMap((set) => [...set]);
      else candidates = byOwner.get(query.headOwner.toLowerCase()) ?? [];
    } else {
      candidates = repo.pulls.values();
    }
    const out: PullRecord[] = [];
    for (const pr of candidates) if (query.state === 'all' || pr.state === query.state) out.push(pr);
    const field = query.sort === 'updated' ? 'updatedAt' : 'createdAt';
    const sign = query.direction === 'asc' ? 1 : -1;
    out.sort((a, b) => sign * (a[field].getTime() - b[field].getTime() || a.number - b.number));
    return out;
  }

  private setState(pr: PullRecord, state: 'open' | 'closed', now: Date): void {
    if (pr.state === state) return;
    pr.state = state;
    pr.closedAt = state === 'closed' ? now : null;
  }

  private unmerge(pr: PullRecord): void {
    pr.merged = false;
    pr.mergedAt = null;
    pr.mergeCommitSha = null;
  }

  private touch(pr: PullRecord, now: Date): void {
    pr.updatedAt = now;
    pr.rendered = {};
  }

  private indexHead(pr: PullRecord): void {
    let byOwner = pr.repo.byHead.get(pr.head);
    if (!byOwner) pr.repo.byHead.set(pr.head, (byOwner = new Map()));
    const owner = pr.headRepo.owner.toLowerCase();
    let set = byOwner.get(owner);
    if (!set) byOwner.set(owner, (set = new Set()));
    set.add(pr);
  }

  private unindexHead(pr: PullRecord): void {
    const byOwner = pr.repo.byHead.get(pr.head);
    const owner = pr.headRepo.owner.toLowerCase();
    const set = byOwner?.get(owner);
    set?.delete(pr);
    if (set?.size === 0) byOwner?.delete(owner);
    if (byOwner?.size === 0) pr.repo.byHead.delete(pr.head);
  }
}

/** A snapshot for callers, so they cannot mutate the fake's state behind its indexes. */
export function toFakePullRequest(pr: PullRecord, webUrl: string): FakePullRequest {
  return {
    owner: pr.repo.owner,
    repo: pr.repo.name,
    number: pr.number,
    htmlUrl: `${webUrl}/${pr.repo.owner}/${pr.repo.name}/pull/${pr.number}`,
    head: pr.head,
    headOwner: pr.headRepo.owner,
    headRepo: pr.headRepo.name,
    base: pr.base,
    headSha: pr.headSha,
    title: pr.title,
    state: pr.state,
    merged: pr.merged,
    draft: pr.draft,
    additions: pr.additions,
    deletions: pr.deletions,
    changedFiles: pr.changedFiles,
    commits: pr.commits,
    author: pr.author,
    updatedAt: new Date(pr.updatedAt.getTime()),
    ...mergeability(pr),
    requestedReviewers: [...pr.requestedReviewers],
    labels: [...pr.labels],
  };
}

/** A snapshot of a check run for callers. */
export function toFakeCheckRun(run: CheckRunRecord): FakeCheckRun {
  return { id: run.id, name: run.name, headSha: run.headSha, status: run.status, conclusion: run.conclusion };
}
