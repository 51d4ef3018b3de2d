import examples from '@octokit/webhooks-examples';
import { decide, PULL_REQUEST_ACTIONS, REVIEW_ACTIONS } from './events.js';

type Example = {
  action?: string;
  pull_request?: { html_url: string; head: { ref: string; repo: { html_url: string } | null } };
};
const examplesOf = (name: string) => (examples.find((e) => e.name === name)?.examples ?? []) as unknown as Example[];

describe('decide, on GitHub example payloads (@octokit/webhooks-examples)', () => {
  it.each([
    ['pull_request', PULL_REQUEST_ACTIONS],
    ['pull_request_review', REVIEW_ACTIONS],
  ] as const)('refreshes for every supported %s action and ignores the others', (event, supported) => {
    const payloads = examplesOf(event);
    expect(payloads.length).toBeGreaterThan(3);
    let refreshed = 0;
    for (const payload of payloads) {
      const decision = decide(event, payload);
      if ((supported as readonly string[]).includes(payload.action!)) {
        refreshed++;
        expect(decision).toEqual({
          kind: 'refresh',
          event,
          action: payload.action,
          target: expect.objectContaining({
            url: payload.pull_request!.html_url,
            headBranch: payload.pull_request!.head.ref,
            headRepositoryUrl: payload.pull_request!.head.repo?.html_url ?? null,
          }),
        });
      } else {
        expect(decision.kind).toBe('ignored');
      }
    }
    expect(refreshed).toBeGreaterThan(0);
  });

  it('answers ping, ignores other events and names what a broken payload lacks', () => {
    expect(decide('ping', examplesOf('ping')[0])).toEqual({ kind: 'ping' });
    expect(decide('push', examplesOf('push')[0])).toMatchObject({ kind: 'ignored' });
    expect(decide(undefined, {})).toMatchObject({ kind: 'ignored' });
    expect(decide('pull_request', { action: 'opened', repository: {} })).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('pull_request'),
    });
  });

  it('refuses a payload whose lookup values no row can hold: a NUL, a URL that is none', () => {
    const [payload] = examplesOf('pull_request').filter((p) => p.action === 'opened') as Array<Required<Example>>;
    const withPull = (pull: object) => ({ ...payload, pull_request: { ...payload!.pull_request, ...pull } });
    expect(decide('pull_request', withPull({}))).toMatchObject({ kind: 'refresh' });
    expect(decide('pull_request', withPull({ html_url: `${payload!.pull_request.html_url}\u0000` }))).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('pull_request.html_url'),
    });
    const head = payload!.pull_request.head;
    expect(decide('pull_request', withPull({ head: { ...head, ref: 'feat\u0000' } }))).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('pull_request.head.ref'),
    });
    expect(decide('pull_request', withPull({ head: { ...head, repo: { html_url: 'not a url' } } }))).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('pull_request.head.repo.html_url'),
    });
  });
});

describe("a fork's pull request", () => {
  it('targets the head repository (the fork), not the base repository the delivery came through', () => {
    const [example] = examplesOf('pull_request').filter((p) => p.action === 'opened');
    const payload = structuredClone(example!) as Example & { repository: { html_url: string } };
    payload.pull_request!.head = { ref: 'main', repo: { html_url: 'https://github.com/mallory/app' } };
    payload.repository.html_url = 'https://github.com/acme/app';
    expect(decide('pull_request', payload)).toMatchObject({
      kind: 'refresh',
      target: { headBranch: 'main', headRepositoryUrl: 'https://github.com/mallory/app' },
    });
    payload.pull_request!.head = { ref: 'main', repo: null };
    expect(decide('pull_request', payload)).toMatchObject({ kind: 'refresh', target: { headRepositoryUrl: null } });
  });
});
