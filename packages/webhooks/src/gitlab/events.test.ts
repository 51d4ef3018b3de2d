import { decideGitLab, MERGE_REQUEST_ACTIONS } from './events.js';
import { gitlabWebhooks } from './index.js';
import { verifyGitLabToken } from './token.js';

/** A `Merge Request Hook` body as GitLab's webhook events reference documents it (trimmed). */
const mergeRequestHook = (attributes: Record<string, unknown> = {}) => ({
  object_kind: 'merge_request',
  event_type: 'merge_request',
  project: { id: 1, web_url: 'https://gitlab.example/acme/platform/api', path_with_namespace: 'acme/platform/api' },
  object_attributes: {
    iid: 7,
    url: 'https://gitlab.example/acme/platform/api/-/merge_requests/7',
    source_branch: 'feat/x',
    target_branch: 'main',
    source_project_id: 2,
    target_project_id: 1,
    source: { web_url: 'https://gitlab.example/dev/api' },
    target: { web_url: 'https://gitlab.example/acme/platform/api' },
    action: 'open',
    ...attributes,
  },
});

describe('decideGitLab', () => {
  it.each(MERGE_REQUEST_ACTIONS)(
    'a Merge Request Hook "%s" refreshes the MR and its source project’s branch',
    (action) => {
      expect(decideGitLab('Merge Request Hook', mergeRequestHook({ action }))).toEqual({
        kind: 'refresh',
        event: 'Merge Request Hook',
        action,
        target: {
          url: 'https://gitlab.example/acme/platform/api/-/merge_requests/7',
          number: 7,
          headBranch: 'feat/x',
          // The source (a fork here), never the target project the hook belongs to.
          headRepositoryUrl: 'https://gitlab.example/dev/api',
        },
      });
    },
  );

  it('a deleted fork leaves the url only; other actions, events and broken bodies are named', () => {
    expect(decideGitLab('Merge Request Hook', mergeRequestHook({ source: null }))).toMatchObject({
      target: { headRepositoryUrl: null },
    });
    expect(decideGitLab('Merge Request Hook', mergeRequestHook({ action: 'unknown' }))).toMatchObject({
      kind: 'ignored',
    });
    expect(decideGitLab('Push Hook', {})).toMatchObject({ kind: 'ignored' });
    expect(decideGitLab(undefined, {})).toMatchObject({ kind: 'ignored' });
    expect(decideGitLab('Merge Request Hook', { object_attributes: { iid: 7 } })).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('object_attributes.url'),
    });
    expect(decideGitLab('Merge Request Hook', mergeRequestHook({ source_branch: 'feat\u0000' }))).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('object_attributes.source_branch'),
    });
  });

  const pipeline = (
    mr: Record<string, unknown> | null,
    project = { id: 2, web_url: 'https://gitlab.example/dev/api' },
  ) => ({
    object_kind: 'pipeline',
    object_attributes: { id: 9, ref: 'feat/x', tag: false, sha: 'abc', status: 'success', source: 'push' },
    merge_request: mr,
    project,
  });

  it('a Pipeline Hook refreshes its merge request, or the branch of the project it ran in', () => {
    const mr = {
      iid: 7,
      url: 'https://gitlab.example/acme/platform/api/-/merge_requests/7',
      source_branch: 'feat/x',
      source_project_id: 2,
    };
    expect(decideGitLab('Pipeline Hook', pipeline(mr))).toMatchObject({
      kind: 'refresh',
      action: 'success',
      target: { url: mr.url, number: 7, headBranch: 'feat/x', headRepositoryUrl: 'https://gitlab.example/dev/api' },
    });
    // Run in the target project: that project is not the head.
    expect(
      decideGitLab('Pipeline Hook', pipeline(mr, { id: 1, web_url: 'https://gitlab.example/acme/platform/api' })),
    ).toMatchObject({ target: { url: mr.url, headRepositoryUrl: null } });
    expect(decideGitLab('Pipeline Hook', pipeline(null))).toMatchObject({
      kind: 'refresh',
      target: { url: null, number: null, headBranch: 'feat/x', headRepositoryUrl: 'https://gitlab.example/dev/api' },
    });
    const tagged = pipeline(null);
    tagged.object_attributes.tag = true;
    expect(decideGitLab('Pipeline Hook', tagged)).toMatchObject({ kind: 'ignored' });
  });
});

describe('the GitLab handler', () => {
  it('checks X-Gitlab-Token against the secret, whatever its length', async () => {
    expect(verifyGitLabToken('s3cret', 's3cret')).toBe(true);
    expect(verifyGitLabToken('s3cret', 's3cres')).toBe(false);
    expect(verifyGitLabToken('s3cret', 's3cret-and-more')).toBe(false);
    expect(verifyGitLabToken('s3cret', '')).toBe(false);
    expect(verifyGitLabToken('s3cret', undefined)).toBe(false);
    expect(await gitlabWebhooks.verify('s3cret', '{}', { 'x-gitlab-token': 's3cret' })).toBe(true);
    expect(await gitlabWebhooks.verify('s3cret', '{}', { 'x-gitlab-token': 'nope' })).toBe(false);
  });

  it('refuses from the headers alone: no token 401, no event UUID 400; dedupes on the UUID', () => {
    expect(gitlabWebhooks.refuseHeaders({ 'x-gitlab-event-uuid': 'u' })).toMatchObject({ status: 401 });
    expect(gitlabWebhooks.refuseHeaders({ 'x-gitlab-token': 't' })).toMatchObject({ status: 400 });
    expect(gitlabWebhooks.refuseHeaders({ 'x-gitlab-token': 't', 'x-gitlab-event-uuid': 'u' })).toBeNull();
    expect(gitlabWebhooks.deliveryId({ 'x-gitlab-event-uuid': 'u-1' })).toBe('u-1');
  });
});
