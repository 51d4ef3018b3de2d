import { checksIconFor, hasConflicts } from './checks-icon';

describe('checksIconFor', () => {
  it('a check mark, a cross, a dot or a dash, labelled with the counts', () => {
    expect(
      checksIconFor({ checks_state: 'success', checks_passed: 3, checks_failed: 0, checks_pending: 0 }),
    ).toMatchObject({ state: 'success', color: 'green', label: 'Checks passed: 3 passed' });
    expect(
      checksIconFor({ checks_state: 'failure', checks_passed: 2, checks_failed: 1, checks_pending: 1 }),
    ).toMatchObject({ state: 'failure', color: 'red', label: 'Checks failed: 2 passed, 1 failed, 1 pending' });
    expect(checksIconFor({ checks_state: 'pending', checks_pending: 2 })).toMatchObject({
      state: 'pending',
      color: 'amber',
      label: 'Checks running: 2 pending',
    });
    expect(checksIconFor({ checks_state: 'neutral' })?.label).toBe('Checks neutral');
  });

  it('nothing when the commit has no checks', () => {
    expect(checksIconFor({})).toBeNull();
    expect(checksIconFor(undefined)).toBeNull();
  });
});

describe('hasConflicts', () => {
  it('only for an open PR that is dirty: unknown mergeability or a merged PR is no conflict', () => {
    expect(hasConflicts({ pull_request_state: 'open', mergeable_state: 'dirty' })).toBe(true);
    expect(hasConflicts({ pull_request_state: 'open', mergeable_state: 'unknown' })).toBe(false);
    expect(hasConflicts({ pull_request_state: 'merged', mergeable_state: 'dirty' })).toBe(false);
    expect(hasConflicts({})).toBe(false);
  });
});
