import { summarizeChecks, tallyCheckRuns, tallyStatuses } from './checks.js';

const run = (conclusion: string | null, status = conclusion === null ? 'queued' : 'completed') => ({
  status,
  conclusion,
});

const summary = (runs: ReturnType<typeof run>[], statuses: string[] = []) =>
  summarizeChecks([tallyCheckRuns(runs), tallyStatuses(statuses)]);

describe('checks of a head commit', () => {
  it('all green → success, with the counts', () => {
    expect(summary([run('success'), run('success')], ['success'])).toEqual({
      state: 'success',
      passed: 3,
      failed: 0,
      pending: 0,
    });
  });

  it.each(['failure', 'timed_out', 'cancelled', 'action_required'])('one %s run among green ones → failure', (c) => {
    expect(summary([run('success'), run(c), run('success')])).toEqual({
      state: 'failure',
      passed: 2,
      failed: 1,
      pending: 0,
    });
  });

  it.each(['queued', 'in_progress', 'waiting', 'requested', 'pending'])('a %s run → pending', (status) => {
    expect(summary([run('success'), run(null, status)])).toMatchObject({ state: 'pending', passed: 1, pending: 1 });
  });

  it('a failure wins over a pending run', () => {
    expect(summary([run(null), run('failure')])?.state).toBe('failure');
  });

  it.each(['failure', 'error'])('a red commit status (%s) with green runs → failure', (state) => {
    expect(summary([run('success'), run('success')], ['success', state])).toEqual({
      state: 'failure',
      passed: 3,
      failed: 1,
      pending: 0,
    });
  });

  it('a pending commit status with green runs → pending', () => {
    expect(summary([run('success')], ['pending'])?.state).toBe('pending');
  });

  it('skipped and neutral runs count for nothing; alone they are neutral', () => {
    expect(summary([run('skipped'), run('neutral'), run('success')])).toEqual({
      state: 'success',
      passed: 1,
      failed: 0,
      pending: 0,
    });
    expect(summary([run('skipped'), run('stale')])).toEqual({ state: 'neutral', passed: 0, failed: 0, pending: 0 });
  });

  it('no checks at all → null (no state)', () => {
    expect(summary([], [])).toBeNull();
    expect(summarizeChecks([null, null])).toBeNull();
  });
});
