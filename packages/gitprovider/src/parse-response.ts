import { toStoredText } from '@gitsync/stored-text';
import { ProviderError } from './errors.js';
import type { ReviewInput } from './reviews.js';
import type { PullRequestFields, PullRequestState, RepositoryInfo } from './types.js';

/** Where a body came from, so that an error can say which response was wrong. */
export interface BodyContext {
  /** e.g. `GET /repos/o/r/pulls/1` */
  what: string;
  status: number;
}

function invalid(context: BodyContext, problem: string): ProviderError {
  return new ProviderError(`GitHub ${context.what} answered ${context.status} with ${problem}`, {
    kind: 'malformed',
    status: context.status,
  });
}

/** Parses a response body; a body that is not JSON is a ProviderError saying "invalid JSON". */
export function parseJsonBody(text: string, context: BodyContext): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // JSON.parse quotes the body in its message: the error is stored with the row, so clean it too.
    throw invalid(context, `invalid JSON (${text.length} bytes): ${toStoredText(reason.slice(0, 120))}`);
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads typed fields out of one JSON object, naming the offending field (`head.sha`) when one is wrong.
 * Strings come out storable (no NUL, no lone surrogate): a PR title holding a NUL would otherwise
 * fail its row's write-back, and the statement of every row batched with it.
 */
class Fields {
  constructor(
    private readonly object: Json,
    private readonly context: BodyContext,
    private readonly prefix = '',
  ) {}

  private fail(name: string, expected: string): ProviderError {
    return invalid(this.context, `field "${this.prefix}${name}" missing or not ${expected}`);
  }

  string(name: string): string {
    const value = this.object[name];
    if (typeof value !== 'string') throw this.fail(name, 'a string');
    return toStoredText(value);
  }

  optionalString(name: string): string | null {
    const value = this.object[name];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') throw this.fail(name, 'a string');
    return toStoredText(value);
  }

  /** Counts GitHub always sends on a single pull request; a missing one reads as 0, a wrong type fails. */
  count(name: string): number {
    const value = this.object[name];
    if (value === undefined || value === null) return 0;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw this.fail(name, 'a count');
    return value;
  }

  positiveInteger(name: string): number {
    const value = this.object[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw this.fail(name, 'a positive integer');
    return value;
  }

  flag(name: string): boolean {
    const value = this.object[name];
    if (value === undefined || value === null) return false;
    if (typeof value !== 'boolean') throw this.fail(name, 'a boolean');
    return value;
  }

  /** A boolean that may be null (GitHub's "not known yet"). */
  nullableFlag(name: string): boolean | null {
    const value = this.object[name];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'boolean') throw this.fail(name, 'a boolean');
    return value;
  }

  /** The items of an array field (missing: none), each an object. */
  objects(name: string): Fields[] {
    const value = this.object[name];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw this.fail(name, 'an array');
    return value.map((item, i) => {
      if (!isObject(item)) throw this.fail(`${name}[${i}]`, 'an object');
      return new Fields(item, this.context, `${this.prefix}${name}[${i}].`);
    });
  }

  child(name: string): Fields {
    const value = this.object[name];
    if (!isObject(value)) throw this.fail(name, 'an object');
    return new Fields(value, this.context, `${this.prefix}${name}.`);
  }

  optionalObject(name: string): Fields | null {
    const value = this.object[name];
    if (value === undefined || value === null) return null;
    if (!isObject(value)) throw this.fail(name, 'an object');
    return new Fields(value, this.context, `${this.prefix}${name}.`);
  }
}

/** Maps `GET /repos/{o}/{r}/pulls/{n}`; `url` is the canonical web URL we already know. */
export function toPullRequestFields(data: unknown, url: string, context: BodyContext): PullRequestFields {
  if (!isObject(data)) throw invalid(context, 'a body that is not a JSON object');
  const pull = new Fields(data, context);
  const number = pull.positiveInteger('number');
  const state = stateOf(pull, pull.flag('merged'), context);
  const head = pull.child('head');
  const user = pull.optionalObject('user');
  return {
    url,
    number,
    state,
    title: pull.string('title'),
    draft: pull.flag('draft'),
    additions: pull.count('additions'),
    deletions: pull.count('deletions'),
    changedFiles: pull.count('changed_files'),
    commits: pull.count('commits'),
    headBranch: head.string('ref'),
    headSha: head.string('sha'),
    baseBranch: pull.child('base').string('ref'),
    authorLogin: user?.optionalString('login') ?? null,
    authorAvatarUrl: user?.optionalString('avatar_url') ?? null,
    mergeable: pull.nullableFlag('mergeable'),
    mergeableState: pull.optionalString('mergeable_state'),
    // Teams asked for a review count as one reviewer each, as GitHub's page lists them.
    requestedReviewerCount: pull.objects('requested_reviewers').length + pull.objects('requested_teams').length,
    labels: pull.objects('labels').map((label) => label.string('name')),
  };
}

/** The check runs of one page of `GET /repos/{o}/{r}/commits/{sha}/check-runs` (`{total_count, check_runs}`). */
export function toCheckRuns(data: unknown, context: BodyContext): Array<{ status: string; conclusion: string | null }> {
  if (!isObject(data)) throw invalid(context, 'a body that is not a JSON object');
  return new Fields(data, context).objects('check_runs').map((run) => ({
    status: run.string('status'),
    conclusion: run.optionalString('conclusion'),
  }));
}

/** The states of one page of `GET /repos/{o}/{r}/commits/{sha}/status` (the latest status of each context). */
export function toCommitStatusStates(data: unknown, context: BodyContext): string[] {
  if (!isObject(data)) throw invalid(context, 'a body that is not a JSON object');
  return new Fields(data, context).objects('statuses').map((status) => status.string('state'));
}

function asArray(data: unknown, context: BodyContext): unknown[] {
  if (!Array.isArray(data)) throw invalid(context, 'a body that is not a JSON array');
  return data;
}

/** GitHub's `state` plus `merged`/`merged_at` as one of our states. */
function stateOf(item: Fields, merged: boolean, context: BodyContext): PullRequestState {
  const raw = item.string('state').toLowerCase();
  if (raw !== 'open' && raw !== 'closed') throw invalid(context, `field "state" = ${JSON.stringify(raw.slice(0, 40))}`);
  return merged ? 'merged' : raw;
}

export interface ListedPullRequest {
  number: number;
  state: PullRequestState;
  headSha: string;
  updatedAt: Date;
}

/** The items of a `GET /repos/{o}/{r}/pulls` list (pull-request-simple: no `merged` flag, `merged_at` instead). */
export function toListedPullRequests(data: unknown, context: BodyContext): ListedPullRequest[] {
  return asArray(data, context).map((item, index) => {
    if (!isObject(item)) throw invalid(context, `a list item [${index}] that is not a JSON object`);
    const fields = new Fields(item, context, `[${index}].`);
    const updatedAt = new Date(fields.string('updated_at'));
    if (Number.isNaN(updatedAt.getTime())) throw invalid(context, `field "[${index}].updated_at" that is not a date`);
    return {
      number: fields.positiveInteger('number'),
      state: stateOf(fields, fields.optionalString('merged_at') !== null, context),
      headSha: fields.child('head').string('sha'),
      updatedAt,
    };
  });
}

/** What is kept of `GET /repos/{o}/{r}`: its parent (null when it is not a fork) and its default branch. */
export function toRepositoryInfo(
  data: unknown,
  context: BodyContext,
): Pick<RepositoryInfo, 'parent'> & { defaultBranch: string | null } {
  if (!isObject(data)) throw invalid(context, 'a body that is not a JSON object');
  return {
    parent: toRepositoryParent(data, context),
    defaultBranch: new Fields(data, context).optionalString('default_branch'),
  };
}

/** The parent of a repository (`GET /repos/{o}/{r}`), null when it is not a fork. */
export function toRepositoryParent(data: unknown, context: BodyContext): RepositoryInfo['parent'] {
  if (!isObject(data)) throw invalid(context, 'a body that is not a JSON object');
  const repo = new Fields(data, context);
  if (!repo.flag('fork')) return null;
  const parent = repo.optionalObject('parent');
  if (!parent) return null;
  return { owner: parent.child('owner').string('login'), repo: parent.string('name') };
}

/** The items of one page of `GET /repos/{o}/{r}/pulls/{n}/reviews`. */
export function toReviews(data: unknown, context: BodyContext): ReviewInput[] {
  return asArray(data, context).map((item, index) => {
    if (!isObject(item)) throw invalid(context, `review [${index}] that is not a JSON object`);
    const review = new Fields(item, context, `[${index}].`);
    const user = review.optionalObject('user');
    const id = item['id'];
    return {
      id: typeof id === 'number' ? id : null,
      state: review.string('state'),
      user: user ? { login: user.optionalString('login') ?? '' } : null,
      submitted_at: review.optionalString('submitted_at'),
    };
  });
}
