import examples from '@octokit/webhooks-examples';
import { CHECK_RUN_ACTIONS, CHECK_SUITE_ACTIONS } from './commit-events.js';
import { decide } from './events.js';

type Example = {
  action?: string;
  sha?: string;
  state?: string;
  check_run?: { head_sha: string };
  check_suite?: { head_sha: string };
};
const examplesOf = (name: string) => (examples.find((e) => e.name === name)?.examples ?? []) as unknown as Example[];

describe('check_run, check_suite and status deliveries (@octokit/webhooks-examples)', () => {
  it.each([
    ['check_run', CHECK_RUN_ACTIONS, (p: Example) => p.check_run!.head_sha],
    ['check_suite', CHECK_SUITE_ACTIONS, (p: Example) => p.check_suite!.head_sha],
  ] as const)('rechecks the head commit of every supported %s action', (event, supported, sha) => {
    const payloads = examplesOf(event);
    expect(payloads.length).toBeGreaterThan(0);
    let rechecked = 0;
    for (const payload of payloads) {
      const decision = decide(event, payload);
      if ((supported as readonly string[]).includes(payload.action!)) {
        rechecked++;
        expect(decision).toEqual({ kind: 'recheck', event, action: payload.action, commit: { headSha: sha(payload) } });
      } else {
        expect(decision.kind).toBe('ignored');
      }
    }
    expect(rechecked).toBeGreaterThan(0);
  });

  it('rechecks the commit of a status, its state as the action', () => {
    const payload = examplesOf('status')[0]!;
    expect(decide('status', payload)).toEqual({
      kind: 'recheck',
      event: 'status',
      action: payload.state,
      commit: { headSha: payload.sha },
    });
  });

  it('names what a broken payload lacks, and refuses a head that is no commit id', () => {
    expect(decide('check_run', { action: 'completed' })).toEqual({
      kind: 'invalid',
      reason: 'check_run payload without the expected fields: check_run',
    });
    expect(decide('status', { sha: 'not a sha', state: 'success' })).toMatchObject({ kind: 'invalid' });
    expect(decide('check_suite', { action: 'completed', check_suite: { head_sha: 'a\u0000' } })).toMatchObject({
      kind: 'invalid',
    });
  });
});
